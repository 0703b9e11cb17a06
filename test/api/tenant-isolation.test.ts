import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

/**
 * One tenant never sees or touches another's data: every object of another tenant answers 404,
 * exactly like an object that does not exist (never 200, never 403, which would confirm it exists).
 */
describe('tenant isolation', () => {
  let api: TestApi;
  let demo: Client;
  let acme: Client;
  const demoIds: Record<string, string> = {};

  before(async () => {
    api = await startTestApi();
    demo = await api.login('demo', 'admin');
    acme = await api.login('acme', 'admin');
    for (const resource of ['numbers', 'users', 'agents', 'departments', 'customers']) {
      const list = await demo.get(`/api/v1/${resource}`);
      assert.equal(list.statusCode, 200, list.body);
      demoIds[resource] = list.json().items[0].id;
    }
    demoIds['api-keys'] = (await demo.post('/api/v1/api-keys', { name: 'demo-key', roles: ['agent'] })).json().id;
    demoIds.tenants = (await demo.get('/api/v1/auth/me')).json().tenant.id;
  });
  after(() => api.close());

  for (const resource of ['numbers', 'users', 'agents', 'departments', 'customers', 'tenants']) {
    it(`another tenant's ${resource} answer 404 to read, change and delete`, async () => {
      const url = `/api/v1/${resource}/${demoIds[resource]}`;
      const before = (await demo.get(url)).json();
      const read = await acme.get(url);
      assert.equal(read.statusCode, 404, read.body);
      assert.equal(read.json().error.code, 'ERR_NOT_FOUND');
      if (resource !== 'tenants') {
        const changed = await acme.patch(url, { version: before.version, name: 'hijacked', displayName: 'hijacked', label: 'hijacked' });
        assert.ok([404, 400].includes(changed.statusCode), `${resource} PATCH answered ${changed.statusCode}`);
        if (changed.statusCode === 400) {
          const valid = await acme.patch(url, { version: before.version });
          assert.equal(valid.statusCode, 404);
        }
        assert.equal((await acme.delete(url)).statusCode, 404);
        const list = await acme.get(`/api/v1/${resource}?limit=200`);
        assert.ok(!list.json().items.some((item: { id: string }) => item.id === demoIds[resource]), 'not in the list');
      }
      assert.deepEqual((await demo.get(url)).json(), before, 'the object is untouched');
    });
  }

  it("another tenant's API key cannot be revoked", async () => {
    assert.equal((await acme.delete(`/api/v1/api-keys/${demoIds['api-keys']}`)).statusCode, 404);
    const keys = (await demo.get('/api/v1/api-keys')).json().items;
    assert.equal(keys.find((k: { id: string }) => k.id === demoIds['api-keys']).revokedAt, null);
  });

  it("a customer lookup by phone never finds another tenant's customer", async () => {
    const found = await acme.get('/api/v1/customers?phone=%2B8613800138000');
    assert.equal(found.statusCode, 200);
    assert.deepEqual(found.json().items, []);
  });

  it("the audit log shows only the tenant's own changes", async () => {
    await acme.post('/api/v1/customers', { name: 'Acme audit probe' });
    const entries = (await demo.get('/api/v1/audit?limit=200')).json().items;
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e: { actorName: string }) => e.actorName.startsWith('demo/')));
  });
});
