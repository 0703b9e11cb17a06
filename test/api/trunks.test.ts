import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

const carrier = {
  name: 'telecom',
  host: '192.0.2.10',
  username: 'demo-trunk',
  password: 'carrier-secret-42',
  routes: [{ prefix: '0', minLength: 11, maxLength: 12, strip: 1, prepend: '86' }],
  callerId: 'fixed',
  callerIdNumber: '+86 755 8888 0000',
};

describe('/api/v1/trunks', () => {
  let api: TestApi;
  let demo: Client;
  let acme: Client;
  let platform: Client;

  before(async () => {
    api = await startTestApi();
    demo = await api.login('demo', 'admin');
    acme = await api.login('acme', 'admin');
    platform = await api.login('platform', 'admin');
  });
  after(() => api.close());

  it('creates a tenant\'s trunk with defaults, and never shows its password, not even in the audit log', async () => {
    const created = await demo.post('/api/v1/trunks', carrier);
    assert.equal(created.statusCode, 201, created.body);
    const trunk = created.json();
    assert.equal(trunk.password, undefined);
    assert.deepEqual([trunk.hasPassword, trunk.shared, trunk.port, trunk.transport, trunk.callerIdNumber, trunk.enabled], [true, false, 5060, 'udp', '+8675588880000', true]);
    assert.deepEqual(trunk.routes, carrier.routes);
    for (const url of ['/api/v1/trunks', `/api/v1/trunks/${trunk.id}`, '/api/v1/audit?limit=200']) {
      const read = await demo.get(url);
      assert.equal(read.statusCode, 200, read.body);
      assert.ok(!read.body.includes(carrier.password), `${url} shows the password`);
    }
    const changed = await demo.patch(`/api/v1/trunks/${trunk.id}`, { version: trunk.version, enabled: false, password: 'new-secret' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.ok(!changed.body.includes('new-secret'));
    assert.equal((await api.store.repos.trunks.get(trunk.tenantId, trunk.id))?.password, 'new-secret', 'stored as given');
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...carrier, name: 'dup', host: 'not a host!' }, 'host'],
      [{ ...carrier, name: 'dup', password: undefined }, 'password'],
      [{ ...carrier, name: 'dup', username: undefined }, 'username'],
      [{ ...carrier, name: 'dup', callerIdNumber: undefined }, 'callerIdNumber'],
      [{ ...carrier, name: 'dup', routes: [] }, 'routes'],
      [{ ...carrier, name: 'dup', routes: [{ prefix: '0x' }] }, 'routes.0.prefix'],
      [{ ...carrier, name: 'dup', routes: [{ prefix: '0', minLength: 12, maxLength: 11 }] }, 'routes.0.minLength'],
      [{ ...carrier, name: 'dup', port: 70000 }, 'port'],
      [{ ...carrier, name: 'dup', transport: 'sctp' }, 'transport'],
      [{ ...carrier }, 'name'],
    ];
    for (const [body, path] of cases) {
      const answer = await demo.post('/api/v1/trunks', body);
      assert.ok([400, 409].includes(answer.statusCode), `${path}: ${answer.statusCode} ${answer.body}`);
      assert.ok(answer.json().error.details.some((d: { path: string }) => d.path === path), `${path}: ${answer.body}`);
    }
    const mine = (await demo.get('/api/v1/trunks?q=telecom')).json().items[0];
    const patched = await demo.patch(`/api/v1/trunks/${mine.id}`, { version: mine.version, username: null });
    assert.equal(patched.statusCode, 400, patched.body);
    assert.equal(patched.json().error.details[0].path, 'username');
  });

  it('one tenant cannot see or touch another\'s trunk', async () => {
    const mine = (await demo.get('/api/v1/trunks?q=telecom')).json().items[0];
    const url = `/api/v1/trunks/${mine.id}`;
    assert.equal((await acme.get(url)).statusCode, 404);
    assert.equal((await acme.patch(url, { version: mine.version, host: '198.51.100.1' })).statusCode, 404);
    assert.equal((await acme.delete(url)).statusCode, 404);
    assert.deepEqual((await acme.get('/api/v1/trunks')).json().items, []);
    assert.equal((await demo.get(url)).json().host, '192.0.2.10');
  });

  it('shared trunks: made by the platform administrator, seen by every tenant, changed by none of them', async () => {
    const created = await platform.post('/api/v1/trunks', { name: 'platform-carrier', host: 'sip.carrier.example', routes: [{ prefix: '' }] });
    assert.equal(created.statusCode, 201, created.body);
    const shared = created.json();
    assert.deepEqual([shared.shared, shared.tenantId, shared.hasPassword], [true, null, false]);
    for (const tenant of [demo, acme]) {
      assert.ok((await tenant.get('/api/v1/trunks')).json().items.some((t: { id: string }) => t.id === shared.id));
      const refused = await tenant.patch(`/api/v1/trunks/${shared.id}`, { version: shared.version, enabled: false });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal((await tenant.delete(`/api/v1/trunks/${shared.id}`)).statusCode, 403);
    }
    const demoOwn = (await demo.get('/api/v1/trunks')).json().items.map((t: { name: string }) => t.name);
    assert.deepEqual(demoOwn, ['telecom', 'platform-carrier'], 'the tenant\'s own first');
    const changed = await platform.patch(`/api/v1/trunks/${shared.id}`, { version: shared.version, maxCalls: 10 });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal((await platform.delete(`/api/v1/trunks/${shared.id}`)).statusCode, 204);
  });

  it('is in the OpenAPI document under its tag', async () => {
    const document = (await api.anonymous.get('/api/openapi.json')).json();
    assert.deepEqual(document.paths['/api/v1/trunks'].post.tags, ['trunks']);
    assert.equal(document.paths['/api/v1/trunks/{id}'].get.tags[0], 'trunks');
  });
});
