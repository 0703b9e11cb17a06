import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface Tenant {
  id: string;
  slug: string;
  name: string;
  nameEn: string;
  sipRealm: string;
  status: string;
  isPlatform: boolean;
  version: number;
}

function errorPaths(response: LightMyRequestResponse): string[] {
  return response.json().error.details.map((d: { path: string }) => d.path).sort();
}

describe('tenants API', () => {
  let api: TestApi;
  let platform: Client;
  let demoAdmin: Client;

  /** Tries a login without the helper's assertion: the status the login page would get. */
  const loginStatus = async (tenant: string, username: string, password: string): Promise<number> =>
    (await api.anonymous.post('/api/v1/auth/login', { tenant, username, password })).statusCode;

  /** The platform creates a business with its first administrator. */
  const register = async (slug: string, extra: object = {}): Promise<Tenant> => {
    const response = await platform.post('/api/v1/tenants', {
      slug,
      name: `${slug} 公司`,
      nameEn: `${slug} Ltd.`,
      admin: { username: 'boss', displayName: 'The boss', password: `${slug}-password` },
      ...extra,
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };

  const slugs = async (client: Client, query = ''): Promise<string[]> => {
    const response = await client.get(`/api/v1/tenants${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json().items.map((t: Tenant) => t.slug);
  };

  before(async () => {
    api = await startTestApi();
    platform = await api.login('platform', 'admin');
    demoAdmin = await api.login('demo', 'admin');
  });
  after(() => api.close());

  it('[K1] the platform admin lists every tenant: demo, acme and the platform itself', async () => {
    const response = await platform.get('/api/v1/tenants');
    assert.equal(response.statusCode, 200, response.body);
    const { items, total } = response.json() as { items: Tenant[]; total: number };
    assert.deepEqual(items.map((t) => t.slug), ['acme', 'demo', 'platform']);
    assert.equal(total, 3);
    assert.deepEqual(items.filter((t) => t.isPlatform).map((t) => t.slug), ['platform']);
    assert.equal(items.find((t) => t.slug === 'demo')?.nameEn, 'Demo Science Bureau');
  });

  it('[K1] registers a business whose first administrator can log in and work in it', async () => {
    const beta = await register('beta-trading');
    assert.equal(beta.slug, 'beta-trading');
    assert.equal(beta.status, 'active');
    assert.equal(beta.sipRealm, 'beta-trading', 'the SIP realm defaults to the slug');
    assert.equal(beta.isPlatform, false);

    const boss = await api.login('beta-trading', 'boss', 'beta-trading-password');
    const me = (await boss.get('/api/v1/auth/me')).json();
    assert.deepEqual(me.roles, ['tenant_admin']);
    assert.equal(me.tenant.slug, 'beta-trading');
    assert.deepEqual(await slugs(boss), ['beta-trading']);
    const user = await boss.post('/api/v1/users', { username: 'clerk', displayName: 'Clerk', password: 'clerk-password', roles: ['registrar'] });
    assert.equal(user.statusCode, 201, user.body);
    assert.equal((await boss.get('/api/v1/customers')).json().total, 0, 'a new business starts without anyone else’s data');
  });

  it('[K1] suspending a business locks its users out at once, and reactivating lets them back', async () => {
    const gamma = await register('gamma');
    const boss = await api.login('gamma', 'boss', 'gamma-password');
    assert.equal((await boss.get('/api/v1/auth/me')).statusCode, 200);

    const suspended = await platform.patch(`/api/v1/tenants/${gamma.id}`, { version: gamma.version, status: 'suspended' });
    assert.equal(suspended.statusCode, 200, suspended.body);
    assert.equal(suspended.json().status, 'suspended');
    const refused = await boss.get('/api/v1/auth/me');
    assert.equal(refused.statusCode, 401, 'the open session ends');
    assert.equal(refused.json().error.code, 'ERR_UNAUTHENTICATED');
    assert.equal(await loginStatus('gamma', 'boss', 'gamma-password'), 401);
    assert.deepEqual(await slugs(platform, '?status=suspended'), ['gamma']);

    const active = await platform.patch(`/api/v1/tenants/${gamma.id}`, { version: suspended.json().version, status: 'active' });
    assert.equal(active.statusCode, 200, active.body);
    assert.equal(await loginStatus('gamma', 'boss', 'gamma-password'), 200);
  });

  it('[K1] the platform tenant can be neither suspended nor deleted', async () => {
    const own = (await platform.get('/api/v1/tenants?q=platform')).json().items[0] as Tenant;
    const suspend = await platform.patch(`/api/v1/tenants/${own.id}`, { version: own.version, status: 'suspended' });
    assert.equal(suspend.statusCode, 400, suspend.body);
    assert.deepEqual(errorPaths(suspend), ['status']);
    const remove = await platform.delete(`/api/v1/tenants/${own.id}`);
    assert.equal(remove.statusCode, 400, remove.body);
    assert.equal((await platform.get('/api/v1/auth/me')).statusCode, 200, 'the platform admin can still work');
  });

  it('[K1] deleting a business removes its people and frees its slug', async () => {
    const delta = await register('delta');
    assert.equal((await platform.delete(`/api/v1/tenants/${delta.id}`)).statusCode, 204);
    assert.equal((await platform.get(`/api/v1/tenants/${delta.id}`)).statusCode, 404);
    assert.equal(await loginStatus('delta', 'boss', 'delta-password'), 401);
    await register('delta');
  });

  it('answers 400 to a slug that is not lower-case letters, digits or -', async () => {
    for (const slug of ['Upper', 'a', '9lives', 'has space', 'under_score', `x${'y'.repeat(40)}`]) {
      const response = await platform.post('/api/v1/tenants', { slug, name: '名', nameEn: 'Name' });
      assert.equal(response.statusCode, 400, slug);
      assert.equal(response.json().error.code, 'ERR_VALIDATION');
      assert.deepEqual(errorPaths(response), ['slug'], slug);
    }
    const weak = await platform.post('/api/v1/tenants', {
      slug: 'weak',
      name: '名',
      nameEn: 'Name',
      admin: { username: 'boss', displayName: 'Boss', password: 'short' },
    });
    assert.equal(weak.statusCode, 400);
    assert.deepEqual(errorPaths(weak), ['admin.password']);
    assert.deepEqual(await slugs(platform, '?q=weak'), [], 'nothing was created');
  });

  it('answers 409 to a slug or SIP realm already taken, naming the field', async () => {
    const slug = await platform.post('/api/v1/tenants', { slug: 'acme', name: '重名', nameEn: 'Another Acme' });
    assert.equal(slug.statusCode, 409);
    assert.equal(slug.json().error.code, 'ERR_DUPLICATE');
    assert.deepEqual(errorPaths(slug), ['slug']);

    const realm = await platform.post('/api/v1/tenants', { slug: 'acme-two', name: '重名', nameEn: 'Acme Two', sipRealm: 'acme' });
    assert.equal(realm.statusCode, 409);
    assert.deepEqual(errorPaths(realm), ['sipRealm']);
  });

  it('[K1] a tenant admin sees only their own tenant and cannot create tenants', async () => {
    assert.deepEqual(await slugs(demoAdmin), ['demo']);
    assert.deepEqual(await slugs(demoAdmin, '?status=suspended'), [], 'filters apply to the own tenant too');
    assert.deepEqual(await slugs(demoAdmin, '?q=acme'), []);
    const acme = (await platform.get('/api/v1/tenants?q=acme')).json().items[0] as Tenant;
    const other = await demoAdmin.get(`/api/v1/tenants/${acme.id}`);
    assert.equal(other.statusCode, 404, 'another tenant looks the same as none');
    assert.equal(other.json().error.code, 'ERR_NOT_FOUND');

    const created = await demoAdmin.post('/api/v1/tenants', { slug: 'rogue', name: '流氓', nameEn: 'Rogue' });
    assert.equal(created.statusCode, 403);
    assert.equal(created.json().error.code, 'ERR_FORBIDDEN');
    const demo = (await demoAdmin.get('/api/v1/tenants')).json().items[0] as Tenant;
    assert.equal((await demoAdmin.patch(`/api/v1/tenants/${demo.id}`, { version: demo.version, status: 'suspended' })).statusCode, 403);
  });

  it('[K1] with the Kefu-Tenant header the platform admin works inside acme; a tenant admin may not', async () => {
    const inAcme = await platform.request('GET', '/api/v1/customers', undefined, { 'kefu-tenant': 'acme' });
    assert.equal(inAcme.statusCode, 200, inAcme.body);
    assert.deepEqual(inAcme.json().items.map((c: { name: string }) => c.name), ['Zhao Lei']);
    assert.equal((await platform.get('/api/v1/customers')).json().total, 0, 'without the header: the platform’s own');

    const unknown = await platform.request('GET', '/api/v1/customers', undefined, { 'kefu-tenant': 'nobody' });
    assert.equal(unknown.statusCode, 404);

    const intruder = await demoAdmin.request('GET', '/api/v1/customers', undefined, { 'kefu-tenant': 'acme' });
    assert.equal(intruder.statusCode, 403);
    assert.equal(intruder.json().error.code, 'ERR_FORBIDDEN');
    const own = await demoAdmin.request('GET', '/api/v1/customers', undefined, { 'kefu-tenant': 'demo' });
    assert.equal(own.statusCode, 200, 'naming one’s own tenant is harmless');
  });
});
