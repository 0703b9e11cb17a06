import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoPassword, startTestApi, type TestApi } from '../helpers/api.js';

describe('authentication', () => {
  let api: TestApi;
  let clock = Date.parse('2026-11-22T08:00:00Z');

  before(async () => {
    api = await startTestApi({ now: () => new Date(clock) });
  });
  after(() => api.close());

  const login = (body: object, remoteAddress = '127.0.0.1') =>
    api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, remoteAddress });

  it('logs in with tenant, username and password and sets an HTTP-only session cookie', async () => {
    const response = await login({ tenant: 'demo', username: 'lead', password: demoPassword });
    assert.equal(response.statusCode, 200, response.body);
    const cookie = response.cookies.find((c) => c.name === 'kefu_session');
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.deepEqual(response.json().user.roles, ['supervisor']);
    assert.equal(response.json().tenant.slug, 'demo');
    assert.ok(!response.body.includes('passwordHash'));

    const me = await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { kefu_session: cookie.value } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().name, 'lead');
    assert.equal(me.json().extension, null, 'the demo lead has no phone of their own');
  });

  it('tells an agent their own extension (their page\'s softphone registers it)', async () => {
    const response = await login({ tenant: 'demo', username: '1001', password: demoPassword });
    const cookie = response.cookies.find((c) => c.name === 'kefu_session')!;
    const me = await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { kefu_session: cookie.value } });
    assert.equal(me.json().extension, '1001');
  });

  it('refuses a wrong password, an unknown user and an unknown tenant alike', async () => {
    for (const body of [
      { tenant: 'demo', username: 'lead', password: 'wrong-password' },
      { tenant: 'demo', username: 'nobody', password: demoPassword },
      { tenant: 'nowhere', username: 'lead', password: demoPassword },
    ]) {
      const response = await login(body, '10.0.0.1');
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'ERR_UNAUTHENTICATED');
      assert.equal(response.json().error.message, 'wrong tenant, username or password');
    }
  });

  it('answers 401 without credentials and with a forged cookie', async () => {
    assert.equal((await api.anonymous.get('/api/v1/customers')).statusCode, 401);
    const forged = await api.app.inject({ method: 'GET', url: '/api/v1/customers', cookies: { kefu_session: 'forged' } });
    assert.equal(forged.statusCode, 401);
  });

  it('logout ends the session on the server, not only in the browser', async () => {
    const response = await login({ tenant: 'demo', username: 'admin', password: demoPassword });
    const token = response.cookies.find((c) => c.name === 'kefu_session')?.value as string;
    const cookies = { kefu_session: token };
    assert.equal((await api.app.inject({ method: 'GET', url: '/api/v1/users', cookies })).statusCode, 200);
    const out = await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies });
    assert.equal(out.statusCode, 204);
    assert.equal((await api.app.inject({ method: 'GET', url: '/api/v1/users', cookies })).statusCode, 401);
  });

  it('a session expires after its lifetime', async () => {
    const response = await login({ tenant: 'demo', username: 'admin', password: demoPassword });
    const cookies = { kefu_session: response.cookies.find((c) => c.name === 'kefu_session')?.value as string };
    clock += 11 * 60 * 60 * 1000;
    assert.equal((await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies })).statusCode, 200);
    clock += 2 * 60 * 60 * 1000;
    assert.equal((await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies })).statusCode, 401);
  });

  it('ten failed logins from one address within a minute answer 429, even with the right password', async () => {
    const address = '192.0.2.10';
    for (let i = 0; i < 10; i++) {
      const failed = await login({ tenant: 'demo', username: 'admin', password: `guess-${i}` }, address);
      assert.equal(failed.statusCode, 401, `attempt ${i + 1}`);
    }
    const blocked = await login({ tenant: 'demo', username: 'admin', password: demoPassword }, address);
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().error.code, 'ERR_RATE_LIMITED');
    assert.ok(Number(blocked.headers['retry-after']) > 0);

    const elsewhere = await login({ tenant: 'demo', username: 'admin', password: demoPassword }, '192.0.2.11');
    assert.equal(elsewhere.statusCode, 200, 'another address is not blocked');

    clock += 61_000;
    const later = await login({ tenant: 'demo', username: 'admin', password: demoPassword }, address);
    assert.equal(later.statusCode, 200, 'the block lifts when the failures leave the window');
  });

  it('a malformed login body answers 400 naming the fields', async () => {
    const response = await login({ tenant: 'demo' }, '10.0.0.2');
    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      response.json().error.details.map((d: { path: string }) => d.path).sort(),
      ['password', 'username'],
    );
  });
});
