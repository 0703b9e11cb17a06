/**
 * What a caller hears and may do in the consultation queue, and what the agent sees (C5, C6,
 * D2): SIPp callers on the demo hotline press 0 to queue; agents 1001 and 1002 take calls on
 * SIPp phones registered with digest; outside numbers are reached through a trunk to a SIPp
 * carrier. What happened is read from the interactions' timelines, the CDRs' flow traces and the
 * agent's event stream.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { EventWatch } from '../helpers/event-watch.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { busyCarrierScenario, carrierScenario } from './carrier.js';
import { finishedCdr } from './cdr.js';
import { ivrScenario, type IvrStep } from './ivr-scenario.js';
import { buildDist, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, tuneQueue, type NodeApi } from './node-api.js';
import { answering, answeringAfter } from './phone-scenarios.js';
import { runSipp, sipp, type SippRun } from './sipp.js';

const password = 'demo-experience-1';
const account = { username: 'kefu-demo', password: 'carrier-secret-8' };

interface Interaction {
  id: string;
  caller: string;
  channel: string;
  state: string;
  endCause: string | null;
  agentId: string | null;
  timeline: { kind: string; agentId: string | null; detail: Record<string, unknown> }[];
}

describe('[C5][C6][D2] the caller\'s wait and the agent\'s screen', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let admin: NodeApi;
  let folder: string;
  let carrierPort: number;
  const agents: Record<string, { api: NodeApi; port: number; id: string; peer: RtpPeer }> = {};

  function phone(extension: string, scenario: (extension: string, rtpPort: number) => string, calls: number): Promise<SippRun> {
    const { port, peer } = agents[extension]!;
    return runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', String(calls), '-trace_err', '-nostdin', '-timeout', '90'], { 'phone.xml': scenario(extension, peer.port) }, 100_000);
  }

  /** A caller of the hotline who presses 0 (the queue) after a second, then `steps`, and ends as `end` says. */
  async function caller(number: string, steps: IvrStep[], end: 'kefu' | { byeAfterMs: number }): Promise<SippRun> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = await runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '90'],
      { 'scenario.xml': ivrScenario({ caller: number, steps: [{ pauseMs: 1000, keys: '0' }, ...steps], end }), 'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n` },
      100_000,
    );
    peer.close();
    assert.equal(run.code, 0, `${number}: ${run.errors}\n${node.stdout.slice(-3000)}`);
    return run;
  }

  async function interactionOf(number: string): Promise<Interaction> {
    const items = ((await admin.request('GET', '/interactions?queue=consultation&limit=100')).json as { items: { id: string; caller: string }[] }).items;
    const found = items.find((i) => i.caller === number);
    assert.ok(found !== undefined, `no interaction of ${number}`);
    return (await admin.request('GET', `/interactions/${found.id}`)).json as unknown as Interaction;
  }

  async function act(extension: string, body: object): Promise<void> {
    const answer = await agents[extension]!.api.request('POST', '/agents/me/state', body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  }

  /** Both agents logged out, whatever an earlier test left. */
  async function offDuty(): Promise<void> {
    for (const extension of ['1001', '1002']) await agents[extension]!.api.request('POST', '/agents/me/state', { action: 'logout' });
  }

  async function until(what: string, test: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await test())) {
      if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
      await delay(200);
    }
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-experience-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    // A fresh embedded database and the demo's password hashes take a while on a busy machine.
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    // Callers wait however long it takes: nobody is sent to the mailbox.
    await tuneQueue(admin, 'consultation', { ringTimeoutSeconds: 10, wrapUpSeconds: 0, overflowWhenUnstaffed: false, maxWaitSeconds: undefined, overflow: undefined, announceEverySeconds: undefined });
    carrierPort = await freePort();
    const trunk = await admin.request('POST', '/trunks', {
      name: 'carrier',
      host: '127.0.0.1',
      port: carrierPort,
      ...account,
      routes: [{ prefix: '0', minLength: 11, maxLength: 12, strip: 1, prepend: '+86' }],
      callerId: 'tenant',
    });
    assert.equal(trunk.status, 201, JSON.stringify(trunk.json));
    for (const extension of ['1001', '1002']) {
      const port = await freePort();
      const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: [`${extension};demo`], port, extra: ['-au', extension, '-ap', password] });
      assert.equal(registered.code, 0, registered.errors);
      const api = await nodeApi(node.url, 'demo', extension, password);
      const me = (await api.request('GET', '/agents/me/state')).json as { agent: string };
      agents[extension] = { api, port, id: me.agent, peer: await RtpPeer.open({ codec: 'PCMU' }) };
    }
  });
  after(async () => {
    for (const agent of Object.values(agents)) agent.peer.close();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('[C5] queue settings: a callback key must be one key, comfort needs messages (400 naming the field)', async () => {
    const queue = (await admin.request('GET', '/queues/consultation')).json as { version: number; settings: Record<string, unknown> };
    const bad = await admin.request('PUT', '/queues/consultation', { version: queue.version, settings: { ...queue.settings, callback: { key: '12' }, comfort: { everySeconds: 20, messages: [] } } });
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    const paths = ((bad.json.error as { details: { path: string }[] }).details ?? []).map((d) => d.path).join(' ');
    assert.match(paths, /callback\.key/);
    assert.match(paths, /comfort\.messages/);
  });

  it('[C5] press 1: the caller keeps their place and hangs up; the agent is rung first, then the caller is called back through the trunk as the tenant\'s number', async () => {
    await offDuty();
    await tuneQueue(admin, 'consultation', { callback: { key: '1', everySeconds: 30, attempts: 2, retrySeconds: 2, ringSeconds: 10 } });
    const outside = '075512345601';
    // Pressing 1 while the offer is spoken: Kefu confirms and hangs up.
    await caller(outside, [{ pauseMs: 3000, keys: '1' }], 'kefu');
    const waiting = await interactionOf(outside);
    const cdr = await finishedCdr(node.url, admin.cookie, `caller=${outside}&called=12345`);
    assert.deepEqual([waiting.state, waiting.channel, waiting.caller], ['waiting', 'callback', outside], `${JSON.stringify(waiting)}\n${JSON.stringify(cdr.trace)}`);
    assert.ok(waiting.timeline.some((e) => e.kind === 'callback_requested' && e.detail.number === outside), JSON.stringify(waiting.timeline));
    assert.ok(cdr.trace.some((e) => e.event === 'said' && /不想等待.*按1/.test(String(e.text))), JSON.stringify(cdr.trace));
    assert.ok(cdr.trace.some((e) => e.event === 'said' && /回电/.test(String(e.text)) && /保留/.test(String(e.text))), 'no confirmation');
    assert.equal(((await admin.request('GET', '/queues/consultation/stats')).json as { waiting: number }).waiting, 1, 'the callback keeps its place in the queue');

    const carrierPeer = await RtpPeer.open({ codec: 'PCMU' });
    const carrier = runSipp(
      ['-sf', 'carrier.xml', '-p', String(carrierPort), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      {
        'carrier.xml': carrierScenario({
          uri: 'INVITE sip:\\+8675512345601@127\\.0\\.0\\.1',
          from: 'sip:12345@',
          pai: 'sip:12345@',
          username: account.username,
          password: account.password,
          accepts: true,
          rtpPort: carrierPeer.port,
        }),
      },
      90_000,
    );
    const agentPhone = phone('1001', answeringAfter(0, 3000), 1);
    await act('1001', { action: 'login' });
    const [far, near] = await Promise.all([carrier, agentPhone]);
    carrierPeer.close();
    assert.equal(near.code, 0, `the agent's phone: ${near.errors}\n${node.stdout.slice(-3000)}`);
    assert.equal(far.code, 0, `the carrier: ${far.errors}\n${node.stdout.slice(-3000)}`);
    await until('the callback ends', async () => (await interactionOf(outside)).state === 'ended');
    const done = await interactionOf(outside);
    const kinds = done.timeline.map((e) => e.kind);
    assert.deepEqual([done.endCause, done.agentId], ['completed', agents['1001']!.id], JSON.stringify(done));
    const order = ['callback_requested', 'offered', 'answered', 'callback_attempt', 'callback_answered', 'ended'].map((kind) => kinds.indexOf(kind));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `timeline out of order: ${kinds.join(', ')}`);
    await act('1001', { action: 'logout' });
  });

  it('[C5] a callback nobody answers is tried again after the interval, then ends with callback_unanswered', async () => {
    const outside = '075512345602';
    await offDuty();
    await caller(outside, [{ pauseMs: 3000, keys: '1' }], 'kefu');
    assert.equal((await interactionOf(outside)).channel, 'callback');
    const carrier = runSipp(['-sf', 'busy.xml', '-p', String(carrierPort), '-m', '2', '-trace_err', '-nostdin', '-timeout', '60'], { 'busy.xml': busyCarrierScenario() }, 90_000);
    const agentPhone = phone('1002', answering, 1);
    await act('1002', { action: 'login' });
    const [far, near] = await Promise.all([carrier, agentPhone]);
    assert.equal(far.code, 0, `the carrier was not called twice: ${far.errors}\n${node.stdout.slice(-3000)}`);
    assert.equal(near.code, 0, `the agent's phone: ${near.errors}`);
    await until('the callback ends', async () => (await interactionOf(outside)).state === 'ended');
    const done = await interactionOf(outside);
    assert.equal(done.endCause, 'callback_unanswered', JSON.stringify(done));
    const attempts = done.timeline.filter((e) => e.kind === 'callback_attempt').map((e) => e.detail.attempt);
    const failures = done.timeline.filter((e) => e.kind === 'callback_unanswered').map((e) => e.detail.reason);
    assert.deepEqual([attempts, failures], [[1, 2], ['busy', 'busy']], JSON.stringify(done.timeline));
    assert.ok(done.timeline.some((e) => e.kind === 'callback_failed'), JSON.stringify(done.timeline));
    await act('1002', { action: 'logout' });
  });

  it('[C6][D2] comfort messages while waiting; the offer pops the customer, their history and IVR keys; the caller hears the agent\'s number first', async () => {
    await tuneQueue(admin, 'consultation', { callback: undefined, announceAgentId: true, comfort: { everySeconds: 5, messages: [{ text: '感谢您的耐心等待' }] } });
    const number = '13800138500';
    await offDuty();
    const customer = await admin.request('POST', '/customers', { name: '赵女士 Ms Zhao', phones: [number], vip: false, tags: ['returning'] });
    assert.equal(customer.status, 201, JSON.stringify(customer.json));
    // An earlier call of the same customer, given up while waiting.
    await caller(number, [], { byeAfterMs: 2500 });
    await until('the first call is abandoned', async () => (await interactionOf(number)).state === 'ended');
    const first = await interactionOf(number);

    const watch = await EventWatch.open(`${node.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: agents['1002']!.api.cookie } });
    await act('1002', { action: 'login' });
    await act('1002', { action: 'not_ready', reason: 'break' });
    const agentPhone = phone('1002', answering, 1);
    const call = caller(number, [], { byeAfterMs: 22_000 });
    await until('the caller waits', async () => ((await admin.request('GET', '/queues/consultation/stats')).json as { waiting: number }).waiting === 1);
    // Long enough for a comfort message between the stretches of hold music.
    await delay(8000);
    await act('1002', { action: 'ready' });
    let offered: Record<string, any> | undefined;
    for (let i = 0; i < 50 && offered === undefined; i++) {
      const [frame] = await watch.take(1);
      if (frame!.type === 'interaction.offered') offered = frame;
    }
    assert.ok(offered !== undefined, 'no offer on the event stream');
    const pop = offered.data.screenPop;
    assert.equal(pop.caller, number);
    assert.deepEqual([pop.customer?.id, pop.customer?.name, pop.customer?.tags], [customer.json.id, '赵女士 Ms Zhao', ['returning']]);
    assert.deepEqual(
      pop.recentInteractions.map((i: { id: string; endCause: string }) => [i.id, i.endCause]),
      [[first.id, 'abandoned']],
    );
    assert.deepEqual(pop.cases, []);
    assert.ok(pop.ivr.keys.includes('0') && pop.ivr.path.length >= 2, JSON.stringify(pop.ivr));
    const current = await agents['1002']!.api.request('GET', '/agents/me/offer');
    assert.equal(current.status, 200);
    assert.deepEqual((current.json.screenPop as { customer: { id: string } }).customer.id, customer.json.id);
    watch.close();

    await call;
    assert.equal((await agentPhone).code, 0);
    const cdr = await finishedCdr(node.url, admin.cookie, `caller=${number}&called=12345`);
    const said = cdr.trace.filter((e) => e.event === 'said').map((e) => String(e.text));
    assert.ok(said.includes('感谢您的耐心等待'), `no comfort message: ${said.join(' | ')}`);
    const agentId = cdr.trace.findIndex((e) => e.event === 'said' && /^工号.*为您服务$/.test(String(e.text)));
    const answered = cdr.trace.findIndex((e) => e.event === 'note' && e.text === 'answered by 1002');
    assert.ok(agentId >= 0 && agentId < answered, JSON.stringify(cdr.trace));
    assert.equal((await agents['1002']!.api.request('GET', '/agents/me/offer')).status, 404, 'the interaction is over');
  });

  it('[C5] a queue that overflows to callback after its maximum wait keeps the caller\'s place the same way', async () => {
    await offDuty();
    await tuneQueue(admin, 'consultation', { maxWaitSeconds: 5, overflow: { kind: 'callback' }, comfort: undefined, announceAgentId: false });
    const outside = '075512345603';
    await caller(outside, [], 'kefu');
    const waiting = await interactionOf(outside);
    assert.deepEqual([waiting.state, waiting.channel], ['waiting', 'callback'], JSON.stringify(waiting));
    const kinds = waiting.timeline.map((e) => e.kind);
    assert.ok(kinds.indexOf('overflow') >= 0 && kinds.indexOf('overflow') < kinds.indexOf('callback_requested'), kinds.join(', '));
    assert.equal(waiting.timeline.find((e) => e.kind === 'callback_requested')?.detail.by, 'overflow');
    const cdr = await finishedCdr(node.url, admin.cookie, `caller=${outside}&called=12345`);
    assert.ok(cdr.trace.some((e) => e.event === 'said' && /保留/.test(String(e.text))), JSON.stringify(cdr.trace));
  });
});
