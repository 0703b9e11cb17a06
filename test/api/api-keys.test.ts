import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('API keys', () => {
  let api: TestApi;
  let admin: Client;

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
  });
  after(() => api.close());

  it('[I3] a key is shown once, works as Bearer with its roles, and stops working when revoked', async () => {
    const created = await admin.post('/api/v1/api-keys', { name: 'crm-sync', roles: ['agent'] });
    assert.equal(created.statusCode, 201, created.body);
    const { id, key, prefix } = created.json();
    assert.match(key, /^kefu_[\w-]+_[\w-]{43}$/);
    assert.ok(key.startsWith(prefix));

    const listed = (await admin.get('/api/v1/api-keys')).json().items;
    const entry = listed.find((k: { id: string }) => k.id === id);
    assert.equal(entry.name, 'crm-sync');
    assert.ok(!JSON.stringify(listed).includes(key.slice(prefix.length)), 'the list never shows the key');
    assert.ok(!JSON.stringify(listed).includes('keyHash'));

    const integration = api.withKey(key);
    const customers = await integration.get('/api/v1/customers?phone=%2B8613800138000');
    assert.equal(customers.statusCode, 200);
    assert.equal(customers.json().items[0].name, '张伟');
    const me = (await integration.get('/api/v1/auth/me')).json();
    assert.equal(me.kind, 'api_key');
    assert.equal(me.tenant.slug, 'demo');
    assert.equal((await integration.get('/api/v1/users')).statusCode, 403, 'the key holds only the agent role');

    assert.equal((await admin.delete(`/api/v1/api-keys/${id}`)).statusCode, 204);
    const revoked = await integration.get('/api/v1/customers');
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.json().error.code, 'ERR_UNAUTHENTICATED');
    assert.equal((await admin.delete(`/api/v1/api-keys/${id}`)).statusCode, 404, 'revoking twice');
    const after = (await admin.get('/api/v1/api-keys')).json().items.find((k: { id: string }) => k.id === id);
    assert.ok(after.revokedAt, 'the revoked key stays listed with its revocation time');
  });

  it('a key cannot hold a role its creator does not', async () => {
    const refused = await admin.post('/api/v1/api-keys', { name: 'too-strong', roles: ['platform_admin'] });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.details[0].path, 'roles.0');
  });

  it('a malformed or unknown bearer token answers 401', async () => {
    assert.equal((await api.anonymous.request('GET', '/api/v1/customers', undefined, { authorization: 'Basic abc' })).statusCode, 401);
    assert.equal((await api.withKey('kefu_unknown_key').get('/api/v1/customers')).statusCode, 401);
  });

  it('only tenant administrators manage keys', async () => {
    const lead = await api.login('demo', 'lead');
    assert.equal((await lead.post('/api/v1/api-keys', { name: 'x', roles: ['supervisor'] })).statusCode, 403);
    assert.equal((await lead.get('/api/v1/api-keys')).statusCode, 403);
  });
});
