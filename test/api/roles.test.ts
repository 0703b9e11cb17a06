import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.js';

describe('roles on every route', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('[D5] an agent cannot create users, agents, numbers, departments or tenants', async () => {
    const agent = await api.login('demo', '1001');
    const attempts: [string, object][] = [
      ['/api/v1/users', { username: 'intruder', displayName: 'X', password: 'password-1', roles: ['tenant_admin'] }],
      ['/api/v1/agents', { username: 'x', displayName: 'X', password: 'password-1', extension: '1999', sipPassword: 'password-1' }],
      ['/api/v1/numbers', { number: '+8610000000', kind: 'direct' }],
      ['/api/v1/departments', { name: 'Shadow office' }],
      ['/api/v1/tenants', { slug: 'evil', name: 'Evil', nameEn: 'Evil' }],
    ];
    for (const [url, body] of attempts) {
      const response = await agent.post(url, body);
      assert.equal(response.statusCode, 403, url);
      assert.equal(response.json().error.code, 'ERR_FORBIDDEN');
    }
    const admin = await api.login('demo', 'admin');
    const users = (await admin.get('/api/v1/users?q=intruder')).json();
    assert.equal(users.total, 0, 'nothing was created');
  });

  it('every /api/v1 route declares the roles it admits', async () => {
    const routes = api.app.printRoutes({ commonPrefix: false });
    assert.match(routes, /api\/v1\/customers/);
    await assert.rejects(
      async () => {
        const app = (await import('fastify')).default();
        const { registerAuth } = await import('../../src/api/auth.js');
        registerAuth(app, api.store, () => new Date());
        app.get('/api/v1/forgotten', async () => 'open');
        await app.ready();
      },
      /does not say which roles it admits/,
    );
  });
});
