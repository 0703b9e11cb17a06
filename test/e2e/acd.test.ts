/**
 * The universal queue over real SIP: callers of the demo hotline press 0 and wait in the
 * `consultation` queue; agents 1001 and 1002 log in through the API and take calls on SIPp
 * phones registered with digest. Who gets which caller is read from the call's CDR legs and
 * the interaction's timeline.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { finishedCdr, type Cdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, tuneQueue, type NodeApi } from './node-api.js';
import { answering, ringingOnly } from './phone-scenarios.js';
import { runSipp, sipp, type SippRun } from './sipp.js';

const password = 'demo-acd-1';

describe('[C1][C2][C5][D1] the consultation queue with agents on SIPp phones', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let admin: NodeApi;
  let folder: string;
  const agents: Record<string, { api: NodeApi; port: number; id: string; peer: RtpPeer }> = {};

  /** Runs agent `extension`'s phone for `calls` calls with `scenario`. */
  function phone(extension: string, scenario: (extension: string, rtpPort: number) => string, calls: number): Promise<SippRun> {
    const { port, peer } = agents[extension]!;
    return runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', String(calls), '-trace_err', '-nostdin', '-timeout', '90'], { 'phone.xml': scenario(extension, peer.port) }, 100_000);
  }

  /** A caller who presses 0 after the greeting starts and stays `stayMs` more. */
  async function caller(number: string, stayMs: number): Promise<SippRun> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = await runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freePort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '90'],
      { 'scenario.xml': ivrScenario({ caller: number, steps: [{ pauseMs: 1000, keys: '0' }], end: { byeAfterMs: stayMs } }), 'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n` },
      100_000,
    );
    peer.close();
    assert.equal(run.code, 0, `${number}: ${run.errors}\n${node.stdout.slice(-3000)}`);
    return run;
  }

  async function legsOf(number: string): Promise<Cdr[]> {
    const main = await finishedCdr(node.url, admin.cookie, `caller=${number}&called=12345`);
    await delay(300);
    return ((await admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] }).items;
  }

  async function state(extension: string): Promise<{ state: string; reason: string | null }> {
    return (await agents[extension]!.api.request('GET', '/agents/me/state')).json as { state: string; reason: string | null };
  }

  async function act(extension: string, body: object): Promise<void> {
    const answer = await agents[extension]!.api.request('POST', '/agents/me/state', body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  }

  async function until(what: string, test: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await test())) {
      if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
      await delay(100);
    }
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-acd-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await tuneQueue(admin, 'consultation', { ringTimeoutSeconds: 4, wrapUpSeconds: 3 });
    for (const extension of ['1001', '1002']) {
      const port = await freePort();
      const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: [`${extension};demo`], port, extra: ['-au', extension, '-ap', password] });
      assert.equal(registered.code, 0, registered.errors);
      const api = await nodeApi(node.url, 'demo', extension, password);
      const me = (await api.request('GET', '/agents/me/state')).json as { agent: string; state: string };
      assert.equal(me.state, 'logged_out');
      agents[extension] = { api, port, id: me.agent, peer: await RtpPeer.open({ codec: 'PCMU' }) };
    }
  });
  after(async () => {
    for (const agent of Object.values(agents)) agent.peer.close();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('[C5] with nobody logged in, a caller goes to the director\'s mailbox at once', async () => {
    await caller('13800138200', 5000);
    const interactions = ((await admin.request('GET', '/interactions?queue=consultation')).json as { items: { caller: string; endCause: string }[] }).items;
    assert.deepEqual(
      interactions.filter((i) => i.caller === '13800138200').map((i) => i.endCause),
      ['overflow_voicemail'],
    );
  });

  it('[C1] longest idle: the agent free longest gets the first caller, the other the second', async () => {
    await act('1002', { action: 'login' });
    await delay(300);
    await act('1001', { action: 'login' });
    const phones = [phone('1001', answering, 1), phone('1002', answering, 1)];
    const first = caller('13800138201', 8000);
    await until('1002 is busy', async () => (await state('1002')).state === 'busy');
    assert.equal((await state('1001')).state, 'ready');
    const second = caller('13800138202', 5000);
    await Promise.all([first, second]);
    for (const run of await Promise.all(phones)) assert.equal(run.code, 0, run.errors);
    const answeredBy = async (number: string) => (await legsOf(number)).filter((l) => l.leg === 'callee' && l.answeredAt !== null).map((l) => l.target);
    assert.deepEqual(await answeredBy('13800138201'), ['1002']);
    assert.deepEqual(await answeredBy('13800138202'), ['1001']);
    assert.equal((await state('1001')).state, 'wrap_up', 'wrap-up follows the call');
  });

  it('[D1] an agent who lets an offer ring out is set not ready "missed"; the caller goes to the next agent', async () => {
    await until('both agents are ready', async () => (await state('1001')).state === 'ready' && (await state('1002')).state === 'ready');
    // 1001 takes a moment off, so 1002 is idle longest: offered first, it rings out.
    await act('1001', { action: 'not_ready', reason: 'break' });
    await act('1001', { action: 'ready' });
    const phones = [phone('1002', ringingOnly, 1), phone('1001', answering, 1)];
    await caller('13800138203', 12_000);
    const mine = ((await admin.request('GET', '/interactions?queue=consultation')).json as { items: { id: string; caller: string }[] }).items.find((i) => i.caller === '13800138203');
    const timeline = mine === undefined ? 'no interaction' : JSON.stringify((await admin.request('GET', `/interactions/${mine.id}`)).json);
    for (const run of await Promise.all(phones)) assert.equal(run.code, 0, `${run.errors}\n${timeline}\n${JSON.stringify(agents['1001']!.id)} ${JSON.stringify(agents['1002']!.id)}`);
    assert.deepEqual(await state('1002'), { ...(await state('1002')), state: 'not_ready', reason: 'missed' });
    const legs = (await legsOf('13800138203')).filter((l) => l.leg === 'callee');
    const rangOut = legs.find((l) => l.target === '1002');
    const answered = legs.find((l) => l.target === '1001');
    assert.ok(rangOut !== undefined && rangOut.answeredAt === null, JSON.stringify(legs));
    assert.ok(answered?.answeredAt != null && answered.answeredAt >= rangOut.endedAt!, `1001 answered before 1002 stopped ringing: ${JSON.stringify(legs)}`);
  });

  it('[C2] a VIP caller is served ahead of a caller who came first; wrap-up holds the next offer', async () => {
    // With nobody ready, callers wait here instead of going to the mailbox.
    await tuneQueue(admin, 'consultation', { overflowWhenUnstaffed: false });
    await act('1001', { action: 'not_ready', reason: 'break' });
    await until('1001 is not ready', async () => (await state('1001')).state === 'not_ready');
    assert.equal((await state('1002')).state, 'not_ready');
    const phoneRun = phone('1002', answering, 2);
    const ordinary = caller('13800138204', 22_000);
    await delay(1500);
    const vip = caller('13800138000', 6000);
    await until('both wait', async () => ((await admin.request('GET', '/queues/consultation/stats')).json as { waiting: number }).waiting === 2);
    await act('1002', { action: 'ready' });
    await Promise.all([ordinary, vip]);
    assert.equal((await phoneRun).code, 0);
    const served = async (number: string) => (await legsOf(number)).find((l) => l.leg === 'callee' && l.answeredAt !== null)!;
    const [first, second] = [await served('13800138000'), await served('13800138204')];
    assert.ok(first.answeredAt! < second.answeredAt!, `the VIP was not served first: ${JSON.stringify([first, second])}`);
    const gap = Date.parse(second.answeredAt!) - Date.parse(first.endedAt!);
    assert.ok(gap >= 2500, `the next offer came ${gap} ms after the call, inside the 3 s wrap-up`);
  });
});
