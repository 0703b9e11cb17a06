import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface Agent {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  disabled: boolean;
  extension: string;
  skills: Record<string, number>;
  version: number;
}

function errorPaths(response: LightMyRequestResponse): string[] {
  return response.json().error.details.map((d: { path: string }) => d.path).sort();
}

/** HA1 of RFC 2617 §3.2.2.2 as a SIP phone computes it, worked out here independently of the code under test. */
function ha1(extension: string, realm: string, password: string): { md5: string; sha256: string } {
  const input = `${extension}:${realm}:${password}`;
  return { md5: createHash('md5').update(input).digest('hex'), sha256: createHash('sha256').update(input).digest('hex') };
}

describe('agents API', () => {
  let api: TestApi;
  let admin: Client;
  let demoId: string;

  const loginStatus = async (username: string, password: string): Promise<number> =>
    (await api.anonymous.post('/api/v1/auth/login', { tenant: 'demo', username, password })).statusCode;

  /** The SIP credentials the registrar would check a phone registering as `extension` against. */
  const sip = (extension: string) => api.store.repos.agents.sipCredentials(demoId, extension);

  const hire = async (username: string, extension: string, extra: object = {}): Promise<Agent> => {
    const response = await admin.post('/api/v1/agents', {
      username,
      displayName: `${username} 座席`,
      password: `${username}-login`,
      extension,
      sipPassword: `${username}-sip-secret`,
      ...extra,
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    demoId = (await admin.get('/api/v1/auth/me')).json().tenant.id;
  });
  after(() => api.close());

  it('[A4] creates an agent whose phone can register with the SIP password, which is never shown', async () => {
    const response = await admin.post('/api/v1/agents', {
      username: 'sun.li',
      displayName: '孙丽 Sun Li',
      password: 'sun-li-login',
      extension: '2001',
      sipPassword: 'phone-Secret-2001',
      skills: { complaints: 7 },
    });
    assert.equal(response.statusCode, 201, response.body);
    const agent = response.json() as Agent;
    assert.equal(agent.username, 'sun.li');
    assert.equal(agent.extension, '2001');
    assert.deepEqual(agent.skills, { complaints: 7 });
    assert.equal(agent.disabled, false);
    assert.doesNotMatch(response.body, /phone-Secret|sun-li-login|sipHa1|passwordHash|sipPassword/);

    const stored = await sip('2001');
    assert.equal(stored?.sipHa1Md5, ha1('2001', 'demo', 'phone-Secret-2001').md5);
    assert.equal(stored?.sipHa1Sha256, ha1('2001', 'demo', 'phone-Secret-2001').sha256);
    assert.equal(stored?.disabled, false);

    const session = await api.login('demo', 'sun.li', 'sun-li-login');
    assert.deepEqual((await session.get('/api/v1/auth/me')).json().roles, ['agent']);
    const read = await admin.get(`/api/v1/agents/${agent.id}`);
    assert.doesNotMatch(read.body, /sipHa1|passwordHash/);
    const audited = await admin.get(`/api/v1/audit?entity=agent&entityId=${agent.id}`);
    assert.equal(audited.json().total, 1, audited.body);
    assert.doesNotMatch(audited.body, /phone-Secret|sun-li-login|sipHa1|passwordHash/);
  });

  it('[D5] an agent may also hold task roles, but never an administrator’s', async () => {
    const agent = await hire('handler.agent', '2002', { roles: ['handler', 'registrar'] });
    const session = await api.login('demo', 'handler.agent', 'handler.agent-login');
    assert.deepEqual((await session.get('/api/v1/auth/me')).json().roles, ['agent', 'handler', 'registrar']);
    assert.equal(agent.extension, '2002');

    const boss = await admin.post('/api/v1/agents', {
      username: 'boss.agent',
      displayName: 'Boss',
      password: 'boss-login',
      extension: '2003',
      sipPassword: 'boss-sip-secret',
      roles: ['tenant_admin'],
    });
    assert.equal(boss.statusCode, 400);
    assert.deepEqual(errorPaths(boss), ['roles.0']);
  });

  it('[C1] skill levels run from 1 to 10: 400 naming the skill', async () => {
    for (const level of [0, 11, 2.5]) {
      const response = await admin.post('/api/v1/agents', {
        username: 'skilled',
        displayName: 'Skilled',
        password: 'skilled-login',
        extension: '2004',
        sipPassword: 'skilled-sip-secret',
        skills: { consultation: 5, complaints: level },
      });
      assert.equal(response.statusCode, 400, String(level));
      assert.deepEqual(errorPaths(response), ['skills.complaints'], String(level));
    }
    assert.equal(await sip('2004'), undefined, 'no agent was created');
  });

  it('answers 409 naming `extension` when another agent has it, and keeps nothing of the attempt', async () => {
    const clash = await admin.post('/api/v1/agents', {
      username: 'newcomer',
      displayName: 'Newcomer',
      password: 'newcomer-login',
      extension: '1001',
      sipPassword: 'newcomer-sip-secret',
    });
    assert.equal(clash.statusCode, 409);
    assert.equal(clash.json().error.code, 'ERR_DUPLICATE');
    assert.deepEqual(errorPaths(clash), ['extension']);
    assert.equal((await admin.get('/api/v1/users?q=newcomer')).json().total, 0, 'the user account was not left behind');

    const later = await hire('newcomer', '2005');
    const moved = await admin.patch(`/api/v1/agents/${later.id}`, { version: later.version, extension: '1002', sipPassword: 'another-secret' });
    assert.equal(moved.statusCode, 409);
    assert.deepEqual(errorPaths(moved), ['extension']);
  });

  it('[A4] a new extension needs the SIP password again, and the phone’s digest follows it', async () => {
    const agent = await hire('mover', '2006');
    const without = await admin.patch(`/api/v1/agents/${agent.id}`, { version: agent.version, extension: '2106' });
    assert.equal(without.statusCode, 400, without.body);
    assert.deepEqual(errorPaths(without), ['sipPassword']);
    assert.equal((await sip('2006'))?.sipHa1Md5, ha1('2006', 'demo', 'mover-sip-secret').md5, 'nothing changed');

    const moved = await admin.patch(`/api/v1/agents/${agent.id}`, { version: agent.version, extension: '2106', sipPassword: 'new-sip-secret' });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().extension, '2106');
    assert.equal(await sip('2006'), undefined, 'the old extension no longer registers');
    const stored = await sip('2106');
    assert.equal(stored?.sipHa1Md5, ha1('2106', 'demo', 'new-sip-secret').md5);
    assert.equal(stored?.sipHa1Sha256, ha1('2106', 'demo', 'new-sip-secret').sha256);

    const rekeyed = await admin.patch(`/api/v1/agents/${agent.id}`, { version: moved.json().version, sipPassword: 'third-sip-secret' });
    assert.equal(rekeyed.statusCode, 200, rekeyed.body);
    assert.equal((await sip('2106'))?.sipHa1Md5, ha1('2106', 'demo', 'third-sip-secret').md5);
  });

  it('[A4] an agent may have an outside number to take calls on remotely: 400 naming `remoteNumber` when it is not one, null takes it away', async () => {
    const agent = await hire('remote1', '1311', { remoteNumber: '13900139311' });
    assert.equal((agent as Agent & { remoteNumber: string }).remoteNumber, '13900139311');
    for (const remoteNumber of ['1390013931a', '12', '+86 139 0013 9311']) {
      const bad = await admin.patch(`/api/v1/agents/${agent.id}`, { version: agent.version, remoteNumber });
      assert.equal(bad.statusCode, 400, remoteNumber);
      assert.deepEqual(errorPaths(bad), ['remoteNumber']);
    }
    const cleared = await admin.patch(`/api/v1/agents/${agent.id}`, { version: agent.version, remoteNumber: null });
    assert.equal(cleared.statusCode, 200, cleared.body);
    assert.equal(cleared.json().remoteNumber, null);
    const plus = await admin.patch(`/api/v1/agents/${agent.id}`, { version: cleared.json().version, remoteNumber: '+8613900139311' });
    assert.equal(plus.json().remoteNumber, '+8613900139311');
  });

  it('[C1] finds agents by skill and by text', async () => {
    const names = async (query: string) =>
      (await admin.get(`/api/v1/agents${query}`)).json().items.map((a: Agent) => a.extension) as string[];
    assert.deepEqual(await names('?skill=consultation'), ['1001', '1002']);
    await hire('fax.expert', '2007', { skills: { fax: 3 } });
    assert.deepEqual(await names('?skill=fax'), ['2007']);
    assert.deepEqual(await names('?skill=astrology'), []);
    assert.deepEqual(await names('?q=chen%20jing'), ['1002']);
    assert.deepEqual(await names('?q=2007'), ['2007']);
  });

  it('[D1] a disabled agent can neither log in nor keep working, nor register a phone', async () => {
    const agent = await hire('leaver', '2008', { skills: { complaints: 4 } });
    const session = await api.login('demo', 'leaver', 'leaver-login');
    const disabled = await admin.patch(`/api/v1/agents/${agent.id}`, { version: agent.version, disabled: true, displayName: '已停用 Leaver' });
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.equal(disabled.json().disabled, true);
    assert.equal(disabled.json().displayName, '已停用 Leaver');
    assert.deepEqual(disabled.json().skills, { complaints: 4 }, 'fields left out keep their values');
    assert.equal((await sip('2008'))?.disabled, true);
    assert.equal((await session.get('/api/v1/auth/me')).statusCode, 401);
    assert.equal(await loginStatus('leaver', 'leaver-login'), 401);

    const stale = await admin.patch(`/api/v1/agents/${agent.id}`, { version: agent.version, disabled: false });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'ERR_STALE_VERSION');
  });

  it('deleting an agent removes its login and its extension', async () => {
    const agent = await hire('temp', '2009');
    assert.equal((await admin.delete(`/api/v1/agents/${agent.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/agents/${agent.id}`)).statusCode, 404);
    assert.equal((await admin.get(`/api/v1/users/${agent.userId}`)).statusCode, 404, 'the user account is gone too');
    assert.equal(await loginStatus('temp', 'temp-login'), 401);
    assert.equal(await sip('2009'), undefined);
    await hire('temp', '2009');
  });

  it('supervisors and agents read the agent list; only a tenant admin changes it', async () => {
    const [first] = (await admin.get('/api/v1/agents?q=1001')).json().items as Agent[];
    for (const username of ['lead', '1001']) {
      const client = await api.login('demo', username);
      assert.equal((await client.get('/api/v1/agents')).statusCode, 200, username);
      const change = await client.patch(`/api/v1/agents/${first?.id}`, { version: first?.version, skills: { complaints: 10 } });
      assert.equal(change.statusCode, 403, username);
      assert.equal((await client.delete(`/api/v1/agents/${first?.id}`)).statusCode, 403, username);
    }
    const acme = await api.login('acme', 'admin');
    assert.equal((await acme.get(`/api/v1/agents/${first?.id}`)).statusCode, 404, 'another tenant sees no such agent');
    assert.equal((await acme.get('/api/v1/agents')).json().total, 0);
  });
});
