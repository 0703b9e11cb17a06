import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  disabled: boolean;
  version: number;
}

function errorPaths(response: LightMyRequestResponse): string[] {
  return response.json().error.details.map((d: { path: string }) => d.path).sort();
}

describe('users API', () => {
  let api: TestApi;
  let admin: Client;

  const loginStatus = async (tenant: string, username: string, password: string): Promise<number> =>
    (await api.anonymous.post('/api/v1/auth/login', { tenant, username, password })).statusCode;

  /** The demo admin creates a user; the password is the username spelled out twice. */
  const create = async (username: string, roles: string[], client: Client = admin): Promise<User> => {
    const response = await client.post('/api/v1/users', { username, displayName: `${username} 同事`, password: `${username}-${username}`, roles });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };
  const usernames = async (query: string): Promise<string[]> => {
    const response = await admin.get(`/api/v1/users${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json().items.map((u: User) => u.username);
  };

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
  });
  after(() => api.close());

  it('[D5] a tenant admin creates registrars, dispatchers, handlers and statisticians who can log in', async () => {
    for (const role of ['registrar', 'dispatcher', 'handler', 'statistician']) {
      const user = await create(`${role}-1`, [role]);
      assert.deepEqual(user.roles, [role]);
      assert.equal(user.disabled, false);
      const session = await api.login('demo', `${role}-1`, `${role}-1-${role}-1`);
      const me = (await session.get('/api/v1/auth/me')).json();
      assert.deepEqual(me.roles, [role], role);
      assert.equal(me.tenant.slug, 'demo');
    }
    const both = await create('senior', ['handler', 'expert']);
    assert.deepEqual(both.roles, ['handler', 'expert']);
  });

  it('[D5] a password never leaves the server: not in answers, lists or the audit log', async () => {
    const secret = 'Very-Secret-Pa55';
    const created = await admin.post('/api/v1/users', { username: 'quiet', displayName: '安静', password: secret, roles: ['handler'] });
    assert.equal(created.statusCode, 201, created.body);
    const user = created.json() as User;
    const changed = await admin.patch(`/api/v1/users/${user.id}`, { version: user.version, password: `${secret}-2` });
    assert.equal(changed.statusCode, 200, changed.body);

    const answers = [
      created,
      changed,
      await admin.get(`/api/v1/users/${user.id}`),
      await admin.get('/api/v1/users?q=quiet'),
      await admin.get(`/api/v1/audit?entity=user&entityId=${user.id}`),
    ];
    assert.equal(answers[4]?.json().total, 2, 'the creation and the change are audited');
    for (const answer of answers) {
      assert.equal(answer.statusCode, 200 + (answer === created ? 1 : 0), answer.body);
      assert.doesNotMatch(answer.body, /Very-Secret|passwordHash|"password"|scrypt\$/i, answer.body);
    }
  });

  it('[D5] a username is unique within a tenant, but another tenant may use it', async () => {
    await create('zhang.san', ['registrar']);
    const again = await admin.post('/api/v1/users', { username: 'zhang.san', displayName: 'Other', password: 'other-password', roles: ['handler'] });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'ERR_DUPLICATE');
    assert.deepEqual(errorPaths(again), ['username']);

    const acmeAdmin = await api.login('acme', 'admin');
    const inAcme = await create('zhang.san', ['registrar'], acmeAdmin);
    assert.equal(inAcme.username, 'zhang.san');
    assert.equal(await loginStatus('acme', 'zhang.san', 'zhang.san-zhang.san'), 200);

    const other = await create('li.si', ['handler']);
    const renamed = await admin.patch(`/api/v1/users/${other.id}`, { version: other.version, username: 'zhang.san' });
    assert.equal(renamed.statusCode, 409);
    assert.deepEqual(errorPaths(renamed), ['username']);
  });

  it('refuses platform_admin inside a business tenant, naming the role', async () => {
    const bad = await admin.post('/api/v1/users', {
      username: 'climber',
      displayName: 'Climber',
      password: 'climber-password',
      roles: ['handler', 'platform_admin'],
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.deepEqual(errorPaths(bad), ['roles.1']);

    const user = await create('climber', ['handler']);
    const promote = await admin.patch(`/api/v1/users/${user.id}`, { version: user.version, roles: ['platform_admin'] });
    assert.equal(promote.statusCode, 400);
    assert.deepEqual(errorPaths(promote), ['roles.0']);

    const platform = await api.login('platform', 'admin');
    const viaHeader = await platform.request(
      'POST',
      '/api/v1/users',
      { username: 'helper', displayName: 'Helper', password: 'helper-password', roles: ['platform_admin'] },
      { 'kefu-tenant': 'demo' },
    );
    assert.equal(viaHeader.statusCode, 400, 'not even the platform admin puts the role in a business');
    assert.deepEqual(await usernames('?role=platform_admin'), []);
  });

  it('[D5] a new password ends the user’s open sessions', async () => {
    const user = await create('wang.wu', ['dispatcher']);
    const session = await api.login('demo', 'wang.wu', 'wang.wu-wang.wu');
    assert.equal((await session.get('/api/v1/auth/me')).statusCode, 200);

    const changed = await admin.patch(`/api/v1/users/${user.id}`, { version: user.version, password: 'brand-new-password' });
    assert.equal(changed.statusCode, 200, changed.body);
    const after = await session.get('/api/v1/auth/me');
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, 'ERR_UNAUTHENTICATED');
    assert.equal(await loginStatus('demo', 'wang.wu', 'wang.wu-wang.wu'), 401, 'the old password no longer works');
    assert.equal(await loginStatus('demo', 'wang.wu', 'brand-new-password'), 200);
  });

  it('[D5] a disabled user cannot log in or keep working until enabled again', async () => {
    const user = await create('zhao.liu', ['statistician']);
    const session = await api.login('demo', 'zhao.liu', 'zhao.liu-zhao.liu');
    const disabled = await admin.patch(`/api/v1/users/${user.id}`, { version: user.version, disabled: true });
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.equal(disabled.json().disabled, true);
    assert.equal((await session.get('/api/v1/auth/me')).statusCode, 401);
    assert.equal(await loginStatus('demo', 'zhao.liu', 'zhao.liu-zhao.liu'), 401);

    const enabled = await admin.patch(`/api/v1/users/${user.id}`, { version: disabled.json().version, disabled: false });
    assert.equal(enabled.statusCode, 200);
    assert.equal(await loginStatus('demo', 'zhao.liu', 'zhao.liu-zhao.liu'), 200);
  });

  it('filters by role, text and the disabled flag', async () => {
    await create('filter-reg', ['registrar', 'handler']);
    const off = await create('filter-off', ['registrar']);
    await admin.patch(`/api/v1/users/${off.id}`, { version: off.version, disabled: true });

    const registrars = await usernames('?role=registrar&q=filter');
    assert.deepEqual(registrars, ['filter-off', 'filter-reg']);
    assert.deepEqual(await usernames('?q=filter&disabled=true'), ['filter-off']);
    assert.deepEqual(await usernames('?q=filter&disabled=false'), ['filter-reg']);
    assert.deepEqual(await usernames('?role=supervisor'), ['lead']);
    assert.deepEqual(await usernames('?q=team%20lead'), ['lead'], 'the display name is searched too');
    assert.ok((await usernames('?role=agent')).includes('1001'));
    assert.equal((await admin.get('/api/v1/users?role=king')).statusCode, 400);
    assert.equal((await admin.get('/api/v1/users?disabled=maybe')).statusCode, 400);
  });

  it('[D5] an agent cannot create or list users; a supervisor may list but not create', async () => {
    const body = { username: 'sneaky', displayName: 'Sneaky', password: 'sneaky-password', roles: ['tenant_admin'] };
    const agent = await api.login('demo', '1001');
    const byAgent = await agent.post('/api/v1/users', body);
    assert.equal(byAgent.statusCode, 403);
    assert.equal(byAgent.json().error.code, 'ERR_FORBIDDEN');
    assert.equal((await agent.get('/api/v1/users')).statusCode, 403);

    const lead = await api.login('demo', 'lead');
    assert.equal((await lead.get('/api/v1/users')).statusCode, 200);
    assert.equal((await lead.post('/api/v1/users', body)).statusCode, 403);
    assert.deepEqual(await usernames('?q=sneaky'), [], 'nothing was created');
  });

  it('one tenant cannot see or change another tenant’s users', async () => {
    const acmeAdmin = await api.login('acme', 'admin');
    const [acmeBoss] = (await acmeAdmin.get('/api/v1/users?q=admin')).json().items as User[];
    assert.equal((await admin.get(`/api/v1/users/${acmeBoss?.id}`)).statusCode, 404);
    const hijack = await admin.patch(`/api/v1/users/${acmeBoss?.id}`, { version: acmeBoss?.version, password: 'hijacked-password' });
    assert.equal(hijack.statusCode, 404);
    assert.equal(await loginStatus('acme', 'admin', 'hijacked-password'), 401);
  });
});

describe('the last administrator', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('a tenant keeps one enabled administrator: the last cannot be demoted, disabled or deleted', async () => {
    const admin = await api.login('demo', 'admin');
    const me = (await admin.get('/api/v1/users?q=admin')).json().items.find((u: { username: string }) => u.username === 'admin');
    for (const change of [{ roles: ['supervisor'] }, { disabled: true }]) {
      const refused = await admin.patch(`/api/v1/users/${me.id}`, { version: me.version, ...change });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().error.details[0].path, 'roles');
    }
    assert.equal((await admin.delete(`/api/v1/users/${me.id}`)).statusCode, 400);
    assert.equal((await admin.get(`/api/v1/users/${me.id}`)).json().version, me.version, 'nothing changed');

    const second = await admin.post('/api/v1/users', { username: 'admin2', displayName: 'Second admin', password: 'second-admin-1', roles: ['tenant_admin'] });
    assert.equal(second.statusCode, 201);
    const demoted = await admin.patch(`/api/v1/users/${me.id}`, { version: me.version, roles: ['supervisor'] });
    assert.equal(demoted.statusCode, 200, 'with another administrator, stepping down is fine');
  });
});
