/**
 * Supervision and conference over real SIP and RTP: a caller (SIPp, saying 440 Hz) presses 0 on
 * the demo hotline and reaches agent 1001 (a SIPp phone saying 1000 Hz); the supervisor `lead`
 * monitors from extension 1002 (saying 1600 Hz): listen, whisper, barge. The agent adds 1002
 * (saying 2200 Hz) to a conference; the supervisor force-releases a call. What each phone hears
 * is measured tone by tone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { EventWatch, type Frame } from '../helpers/event-watch.js';
import { dominantTone } from '../helpers/rtp-peer.js';
import { finishedCdr } from './cdr.js';
import { Baresip } from './baresip.js';
import { buildDist, freePort, KefuNode, within } from './kefu-node.js';
import { nodeApi, readyAgent, tuneQueue, type NodeApi } from './node-api.js';
import { answeringPhone, hearing, hotlineCaller, type TalkingPhone } from './sipp-phone.js';

const password = 'demo-supervise-1';
const CALLER = 440;
const AGENT = 1000;
const SUPERVISOR = 1600;
const THIRD = 2200;
const BARESIP = 700;
/** A tone heard is well above this; one not heard (the mixer took it out) well below. */
const HEARD_DBFS = -30;
const SILENT_DBFS = -45;

describe('[E2] supervision: listen, whisper, barge, force release; [D2] conference of three', () => {
  let node: KefuNode;
  let folder: string;
  let database: TestDatabase;
  let admin: NodeApi;
  let lead: NodeApi;
  let agent: NodeApi;
  let watch: EventWatch;
  /** Every phone of the tests, their RTP peers closed at the end. */
  const phones: TalkingPhone[] = [];

  /** The caller's call once agent 1001 answered it and both hear each other. */
  async function connected(caller: TalkingPhone, phone: TalkingPhone, number: string): Promise<string> {
    phones.push(caller, phone);
    await within(60_000, 'agent 1001 answering the caller', phone.talking);
    await within(60_000, 'the caller hearing Kefu', caller.talking);
    // On a loaded machine the first seconds of a call may come through broken: wait until both are heard clearly.
    for (let tries = 0; ; tries++) {
      const [byAgent, byCaller] = await Promise.all([hearing(phone.peer, [CALLER], 1000), hearing(caller.peer, [AGENT], 1000)]);
      if (byAgent[CALLER]! > HEARD_DBFS && byCaller[AGENT]! > HEARD_DBFS) break;
      assert.ok(tries < 30, `before any supervision, caller and agent do not hear each other clearly: ${JSON.stringify([byAgent, byCaller])}`);
    }
    const live = ((await admin.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] }).items.find((c) => c.caller === number);
    assert.ok(live !== undefined, `no call from ${number} in progress`);
    return encodeURIComponent(live.sipCallId);
  }

  /** Asserts which tones a phone hears (above HEARD_DBFS) and which it does not (below SILENT_DBFS). */
  function expectHears(who: string, levels: Record<number, number>, heard: number[], notHeard: number[]): void {
    const shown = JSON.stringify(Object.fromEntries(Object.entries(levels).map(([hz, db]) => [hz, Math.round(db)])));
    for (const hz of heard) assert.ok(levels[hz]! > HEARD_DBFS, `${who} does not hear ${hz} Hz: ${shown}`);
    for (const hz of notHeard) assert.ok(levels[hz]! < SILENT_DBFS, `${who} hears ${hz} Hz: ${shown}`);
  }

  /** The events of `type` seen so far on the supervisor's stream. */
  const framesOf = (type: string): Frame[] => watch.frames.filter((f) => f.type === type);

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-supervision-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    // Up to three minutes: on a machine shared by many test runs the first start is slow.
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    lead = await nodeApi(node.url, 'demo', 'lead', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await tuneQueue(admin, 'consultation', { wrapUpSeconds: 0 });
    agent = await readyAgent(node.url, 'demo', '1001', password);
    watch = await EventWatch.open(`${node.url.replace(/^http/, 'ws')}/api/v1/events`, { headers: { cookie: lead.cookie } });
  });
  after(async () => {
    for (const phone of phones) phone.peer.close();
    watch?.ws.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('listen: the supervisor hears both; whisper: only the agent hears the supervisor; barge: both do; stopping leaves a plain call', async () => {
    const phone = await answeringPhone(node.sipPort, '1001', password, AGENT);
    const caller = await hotlineCaller(node.sipPort, '13800138201', CALLER, 'kefu');
    const call = await connected(caller, phone, '13800138201');
    const supervisor = await answeringPhone(node.sipPort, '1002', password, SUPERVISOR);
    phones.push(supervisor);

    const listen = await lead.request('POST', `/calls/${call}/monitor`, { mode: 'listen', phone: '1002' });
    assert.equal(listen.status, 201, JSON.stringify(listen.json));
    assert.deepEqual(listen.json, { monitoring: true, mode: 'listen', rang: true });
    await within(60_000, 'the supervisor\'s phone answering', supervisor.talking);
    await delay(800);
    const all = [CALLER, AGENT, SUPERVISOR];
    // The supervisor's phone joins the mix as it answers: listened to until both parties come through (a loaded machine is slower).
    let heardBySupervisor = await hearing(supervisor.peer, all);
    for (let tries = 0; tries < 10 && !(heardBySupervisor[CALLER]! > HEARD_DBFS && heardBySupervisor[AGENT]! > HEARD_DBFS); tries++) heardBySupervisor = await hearing(supervisor.peer, all);
    const [heardByCaller, heardByAgent] = await Promise.all([hearing(caller.peer, all), hearing(phone.peer, all)]);
    expectHears('listening, the supervisor', heardBySupervisor, [CALLER, AGENT], [SUPERVISOR]);
    expectHears('listening, the caller', heardByCaller, [AGENT], [CALLER, SUPERVISOR]);
    expectHears('listening, the agent', heardByAgent, [CALLER], [AGENT, SUPERVISOR]);

    const whisper = await lead.request('PATCH', `/calls/${call}/monitor`, { mode: 'whisper' });
    assert.deepEqual([whisper.status, whisper.json], [200, { monitoring: true, mode: 'whisper', rang: false }]);
    await delay(500);
    const [whisperSupervisor, whisperCaller, whisperAgent] = await Promise.all([hearing(supervisor.peer, all), hearing(caller.peer, all), hearing(phone.peer, all)]);
    expectHears('whispering, the supervisor', whisperSupervisor, [CALLER, AGENT], [SUPERVISOR]);
    expectHears('whispering, the caller', whisperCaller, [AGENT], [SUPERVISOR]);
    expectHears('whispering, the agent', whisperAgent, [CALLER, SUPERVISOR], [AGENT]);

    // POST again with another mode changes it without ringing the supervisor's phone again.
    const barge = await lead.request('POST', `/calls/${call}/monitor`, { mode: 'barge', phone: '1002' });
    assert.deepEqual([barge.status, barge.json], [200, { monitoring: true, mode: 'barge', rang: false }]);
    await delay(500);
    const [bargeSupervisor, bargeCaller, bargeAgent] = await Promise.all([hearing(supervisor.peer, all), hearing(caller.peer, all), hearing(phone.peer, all)]);
    expectHears('barging, the supervisor', bargeSupervisor, [CALLER, AGENT], [SUPERVISOR]);
    expectHears('barging, the caller', bargeCaller, [AGENT, SUPERVISOR], [CALLER]);
    expectHears('barging, the agent', bargeAgent, [CALLER, SUPERVISOR], [AGENT]);

    assert.equal((await lead.request('DELETE', `/calls/${call}/monitor`)).status, 204);
    const released = await supervisor.run;
    assert.equal(released.code, 0, `the supervisor's phone was not hung up: ${released.errors}`);
    await delay(500);
    await delay(1500);
    const plain = dominantTone(caller.peer.lastHeard(1500));
    assert.ok(Math.abs(plain.hz - AGENT) <= 4 && plain.dbfs > HEARD_DBFS, `back on a plain bridge, the caller does not hear the agent: ${JSON.stringify(plain)}`);
    assert.equal((await lead.request('PATCH', `/calls/${call}/monitor`, { mode: 'listen' })).status, 409, 'nobody monitors any more');

    assert.equal((await admin.request('DELETE', `/calls/${call}`)).status, 204);
    const ended = await caller.run;
    assert.equal(ended.code, 0, `${ended.errors}\n${node.stdout.slice(-3000)}`);
    assert.equal((await phone.run).code, 0);
    const modes = framesOf('call.monitored').map((f) => [f.data.supervisor, f.data.phone, f.data.mode]);
    assert.deepEqual(modes, [['lead', '1002', 'listen'], ['lead', '1002', 'whisper'], ['lead', '1002', 'barge'], ['lead', '1002', null]]);
  });

  it('the agent adds 1002 to a conference: each of the three hears the other two; when 1002 hangs up, caller and agent talk on', async () => {
    const phone = await answeringPhone(node.sipPort, '1001', password, AGENT);
    const caller = await hotlineCaller(node.sipPort, '13800138202', CALLER, 'kefu');
    const call = await connected(caller, phone, '13800138202');
    const third = await answeringPhone(node.sipPort, '1002', password, THIRD, 6000);
    phones.push(third);

    const joined = await agent.request('POST', `/calls/${call}/conference`, { to: '1002' });
    assert.deepEqual([joined.status, joined.json], [201, { joined: true, parties: 3 }]);
    await within(60_000, '1002 answering', third.talking);
    await delay(800);
    const all = [CALLER, AGENT, THIRD];
    const [byCaller, byAgent, byThird] = await Promise.all([hearing(caller.peer, all), hearing(phone.peer, all), hearing(third.peer, all)]);
    expectHears('in conference, the caller', byCaller, [AGENT, THIRD], [CALLER]);
    expectHears('in conference, the agent', byAgent, [CALLER, THIRD], [AGENT]);
    expectHears('in conference, the third party', byThird, [CALLER, AGENT], [THIRD]);

    const left = await third.run;
    assert.equal(left.code, 0, left.errors);
    await delay(800);
    const [afterCaller, afterAgent] = await Promise.all([hearing(caller.peer, all), hearing(phone.peer, all)]);
    expectHears('after 1002 left, the caller', afterCaller, [AGENT], [THIRD, CALLER]);
    expectHears('after 1002 left, the agent', afterAgent, [CALLER], [THIRD, AGENT]);

    assert.equal((await admin.request('DELETE', `/calls/${call}`)).status, 204);
    assert.equal((await caller.run).code, 0);
    assert.equal((await phone.run).code, 0);
    const changes = framesOf('call.conference').map((f) => [f.data.party, f.data.action, f.data.parties, typeof f.data.agentId]);
    assert.deepEqual(changes, [['1002', 'joined', 3, 'string'], ['1002', 'left', 2, 'string']]);
  });

  it('with baresip as the third party: the agent leaves the conference, and the caller and baresip talk on', async () => {
    const microphone = join(folder, 'baresip.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', microphone, 'synth', '60', 'sine', String(BARESIP), 'vol', '0.5']);
    const baresip = await Baresip.start({ sipPort: await freePort(), controlPort: await freePort(), audioFile: microphone });
    try {
      await baresip.command('uanew', `<sip:1002@127.0.0.1:${node.sipPort}>;auth_pass=${password};regint=600;answermode=auto`);
      await baresip.event('REGISTER_OK', { failures: ['REGISTER_FAIL'] });
      const phone = await answeringPhone(node.sipPort, '1001', password, AGENT, 9000);
      const caller = await hotlineCaller(node.sipPort, '13800138205', CALLER, 'kefu');
      const call = await connected(caller, phone, '13800138205');
      const from = baresip.events.length;
      const joined = await agent.request('POST', `/calls/${call}/conference`, { to: '1002' });
      assert.deepEqual([joined.status, joined.json], [201, { joined: true, parties: 3 }]);
      await baresip.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 10_000 });
      await delay(800);
      const all = [CALLER, AGENT, BARESIP];
      const [byCaller, byAgent] = await Promise.all([hearing(caller.peer, all), hearing(phone.peer, all)]);
      expectHears('in conference, the caller', byCaller, [AGENT, BARESIP], [CALLER]);
      expectHears('in conference, the agent', byAgent, [CALLER, BARESIP], [AGENT]);

      const left = await phone.run;
      assert.equal(left.code, 0, `the agent did not hang up: ${left.errors}`);
      await delay(800);
      expectHears('after the agent left, the caller', await hearing(caller.peer, all), [BARESIP], [AGENT, CALLER]);
      assert.equal((await admin.request('DELETE', `/calls/${call}`)).status, 204);
      await baresip.event('CALL_CLOSED', { from, timeoutMs: 10_000 });
      assert.equal((await caller.run).code, 0);
    } finally {
      await baresip.stop();
    }
  });

  it('force release hangs up caller and agent with cause preemption, and the agent goes to wrap-up', async () => {
    await tuneQueue(admin, 'consultation', { wrapUpSeconds: 60 });
    const phone = await answeringPhone(node.sipPort, '1001', password, AGENT);
    const caller = await hotlineCaller(node.sipPort, '13800138203', CALLER, 'kefu', 'cause=8');
    const call = await connected(caller, phone, '13800138203');
    assert.equal((await lead.request('POST', `/calls/${call}/release`)).status, 204);
    const [callerEnd, agentEnd] = await Promise.all([caller.run, phone.run]);
    assert.equal(callerEnd.code, 0, `the caller got no BYE with Q.850 cause 8: ${callerEnd.errors}`);
    assert.equal(agentEnd.code, 0, agentEnd.errors);
    const cdr = await finishedCdr(node.url, admin.cookie, 'caller=13800138203');
    assert.deepEqual([cdr.cause, cdr.endedBy], ['preemption', 'kefu']);
    const legs = ((await admin.request('GET', `/cdrs?call_id=${cdr.callId}`)).json as { items: { leg: string; cause: string }[] }).items;
    assert.deepEqual(legs.filter((row) => row.leg === 'callee').map((row) => row.cause), ['preemption'], JSON.stringify(legs));
    let state = '';
    for (let tries = 0; state !== 'wrap_up' && tries < 100; tries++) {
      state = String((await agent.request('GET', '/agents/me/state')).json.state);
      if (state !== 'wrap_up') await delay(100);
    }
    assert.equal(state, 'wrap_up');
    assert.deepEqual(framesOf('call.released').map((f) => [f.data.by, f.data.agent]), [['lead', '1001']]);
    await agent.request('POST', '/agents/me/state', { action: 'end_wrap_up' });
    await tuneQueue(admin, 'consultation', { wrapUpSeconds: 0 });
  });

  it('refusals: an unknown call 404, a bad mode 400, no phone to ring 400, a call not with an agent 409, an agent on another\'s call 403', async () => {
    assert.equal((await lead.request('POST', '/calls/no-such-call/monitor', { mode: 'listen', phone: '1002' })).status, 404);
    assert.equal((await lead.request('POST', '/calls/no-such-call/release')).status, 404);
    const bad = await lead.request('POST', '/calls/no-such-call/monitor', { mode: 'spy', phone: '1002' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /mode/);
    const noPhone = await lead.request('POST', '/calls/no-such-call/monitor', { mode: 'listen' });
    assert.equal(noPhone.status, 400);
    assert.match(JSON.stringify(noPhone.json), /phone/);
    assert.equal((await agent.request('POST', '/calls/no-such-call/monitor', { mode: 'listen', phone: '1002' })).status, 403);

    const caller = await hotlineCaller(node.sipPort, '13800138204', CALLER, { byeAfterMs: 5000 });
    phones.push(caller);
    await within(60_000, 'the caller hearing Kefu', caller.talking);
    let live: { sipCallId: string; caller: string } | undefined;
    while (live === undefined) {
      live = ((await admin.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] }).items.find((c) => c.caller === '13800138204');
      if (live === undefined) await delay(100);
    }
    const call = encodeURIComponent(live.sipCallId);
    const inMenu = await lead.request('POST', `/calls/${call}/monitor`, { mode: 'listen', phone: '1002' });
    assert.deepEqual([inMenu.status, (inMenu.json.error as { code: string }).code], [409, 'ERR_CALL_STATE']);
    assert.equal((await lead.request('POST', `/calls/${call}/release`)).status, 409);
    assert.equal((await lead.request('POST', `/calls/${call}/conference`, { to: '1002' })).status, 409);
    assert.equal((await caller.run).code, 0);
  });
});
