/**
 * CTI operations on a call over real SIP (FEATURES D2): a SIPp caller reaches agent 1001
 * (baresip, speaking 700 Hz) through key 0 of the demo hotline; the agent, through the API,
 * holds (Kefu re-INVITEs the caller sendonly and plays hold music), resumes, mutes, unmutes,
 * sends keys to the caller and hangs up. What the caller's RTP peer heard proves each step, and
 * the event stream carries each one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { EventWatch } from '../helpers/event-watch.js';
import { levelDbfs, RtpPeer, tonePower } from '../helpers/rtp-peer.js';
import { Baresip } from './baresip.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, readyAgent, tuneQueue, type NodeApi } from './node-api.js';
import { answering } from './phone-scenarios.js';
import { runSipp, sipp } from './sipp.js';
import { finishedCdr, type Cdr } from './cdr.js';

const password = 'demo-control-1';

/** Level of the agent's 700 Hz tone in samples, in dBFS. */
const agentTone = (samples: Int16Array) => 10 * Math.log10(tonePower(samples, 700) / (32768 * 32768));

describe('[D2] call control by the agent: hold, resume, mute, keys, hang-up', () => {
  let node: KefuNode;
  let phone: Baresip;
  let folder: string;
  let database: TestDatabase;
  let agent: NodeApi;
  let other: NodeApi;
  let lead: NodeApi;
  let admin: NodeApi;

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-control-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    const microphone = join(folder, 'agent.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', microphone, 'synth', '90', 'sine', '700', 'vol', '0.5']);
    phone = await Baresip.start({ sipPort: await freePort(), controlPort: await freePort(), audioFile: microphone });
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await phone.command('uanew', `<sip:1001@127.0.0.1:${node.sipPort}>;auth_pass=${password};regint=600;answermode=auto`);
    await phone.event('REGISTER_OK', { failures: ['REGISTER_FAIL'] });
    await tuneQueue(admin, 'consultation', { wrapUpSeconds: 0 });
    agent = await readyAgent(node.url, 'demo', '1001', password);
    other = await nodeApi(node.url, 'demo', '1002', password);
    lead = await nodeApi(node.url, 'demo', 'lead', password);
  });
  after(async () => {
    await phone.stop();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('hold plays music to the caller, resume brings the agent back, mute silences the agent, keys reach the caller, hang-up ends the call', async () => {
    const events = await EventWatch.open(`${node.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: lead.cookie } });
    const peer = await RtpPeer.open({ codec: 'PCMU', telephoneEventPayloadType: 96 });
    const from = phone.events.length;
    const caller = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '120'],
      {
        'scenario.xml': ivrScenario({
          caller: '13800138301',
          steps: [{ pauseMs: 1500, keys: '0' }, { pauseMs: 0, reinvite: 'recvonly' }, { pauseMs: 0, reinvite: 'sendrecv' }],
          end: 'kefu',
        }),
        'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n`,
      },
      150_000,
    );
    while (peer.sources.size === 0) await delay(20);
    peer.playBack([], 0);
    await phone.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 60_000 });

    // The phone's ACK comes a moment before Kefu bridges the caller to it.
    let mine: { items: { sipCallId: string; caller: string; party: string; held: boolean }[] } = { items: [] };
    for (let tries = 0; tries < 100 && mine.items.length === 0; tries++) {
      await delay(100);
      mine = (await agent.request('GET', '/calls')).json as typeof mine;
    }
    const call = mine.items.find((c) => c.caller === '13800138301');
    assert.ok(call !== undefined, `the agent does not see the call they are on: ${JSON.stringify(mine)}`);
    assert.equal(call.party, '1001');
    assert.deepEqual(((await other.request('GET', '/calls')).json as { items: unknown[] }).items, [], 'another agent sees nobody else\'s calls');
    const path = `/calls/${encodeURIComponent(call.sipCallId)}`;
    /**
     * What the caller hears for `ms` from a moment after now. On a loaded machine packets come in
     * bursts, so this waits for `ms` of audio to arrive (at most 15 s) rather than for `ms`.
     */
    const hear = async (ms: number) => {
      await delay(700);
      const start = peer.heard.length;
      for (let tries = 0; tries < 150 && peer.heard.length - start < ms * 8; tries++) await delay(100);
      return Int16Array.from(peer.heard.slice(start, start + ms * 8));
    };

    // The phone's audio starts a moment after its answer (baresip opens its source then).
    for (let tries = 0; tries < 100 && !(peer.heard.length > 8000 && agentTone(peer.lastHeard(500)) > -20); tries++) await delay(100);
    const talking = await hear(1500);
    assert.ok(agentTone(talking) > -20, `the caller does not hear the agent at first: ${agentTone(talking)} dBFS`);

    const foreign = await other.request('POST', `${path}/hold`);
    assert.equal(foreign.status, 403, 'an agent holds only a call they are on');
    const held = await agent.request('POST', `${path}/hold`);
    assert.deepEqual([held.status, held.json], [200, { sipCallId: call.sipCallId, held: true, muted: false }]);
    const music = await hear(2000);
    assert.ok(levelDbfs(music) > -35, `no hold music: ${levelDbfs(music)} dBFS`);
    assert.ok(agentTone(music) < agentTone(talking) - 30, `the held caller still hears the agent: ${agentTone(music)} dBFS`);
    const twice = await agent.request('POST', `${path}/hold`);
    assert.deepEqual([twice.status, (twice.json.error as { code: string }).code], [409, 'ERR_CALL_STATE']);

    assert.deepEqual((await agent.request('POST', `${path}/resume`)).json, { sipCallId: call.sipCallId, held: false, muted: false });
    const resumed = await hear(1500);
    assert.ok(agentTone(resumed) > -20, `the caller does not hear the agent after resume: ${agentTone(resumed)} dBFS`);

    assert.equal((await agent.request('POST', `${path}/mute`)).status, 200);
    const muted = await hear(1500);
    assert.ok(muted.length === 8 * 1500, 'Kefu keeps sending to a caller whose agent is muted');
    assert.ok(levelDbfs(muted) < -50, `the caller hears the muted agent: ${levelDbfs(muted)} dBFS`);
    assert.equal((await agent.request('POST', `${path}/mute`)).status, 409);
    assert.equal((await agent.request('POST', `${path}/unmute`)).status, 200);
    const unmuted = await hear(1500);
    assert.ok(agentTone(unmuted) > -20, `the caller does not hear the agent after unmute: ${agentTone(unmuted)} dBFS`);

    assert.equal((await agent.request('POST', `${path}/dtmf`, { digits: 'x' })).status, 400);
    assert.equal((await agent.request('POST', `${path}/dtmf`, { digits: '1#' })).status, 204);
    for (let tries = 0; peer.digits.length < 2 && tries < 100; tries++) await delay(50);
    assert.deepEqual(peer.digits, ['1', '#']);

    assert.equal((await agent.request('POST', '/calls/no-such-call/hold')).status, 404);
    assert.equal((await agent.request('POST', `${path}/hangup`)).status, 204);
    const ended = await caller;
    assert.equal(ended.code, 0, `${ended.errors}\n${node.stdout.slice(-3000)}`);
    await phone.event('CALL_CLOSED', { from, timeoutMs: 10_000 });
    peer.close();

    const { agent: agentId } = (await agent.request('GET', '/agents/me/state')).json as { agent: string };
    const wanted = ['call.held', 'call.resumed', 'call.muted', 'call.unmuted', 'call.dtmf_sent', 'call.hung_up'];
    for (let tries = 0; tries < 100 && !wanted.every((type) => events.frames.some((f) => f.type === type)); tries++) await delay(50);
    const controls = events.frames.filter((f) => typeof f.type === 'string' && f.type.startsWith('call.'));
    events.close();
    assert.deepEqual(controls.map((f) => f.type), wanted);
    for (const frame of controls) {
      assert.equal(frame.data.sipCallId, call.sipCallId);
      assert.equal(frame.data.by, '1001');
      assert.equal(frame.data.agentId, agentId);
    }
    assert.equal(controls[4]!.data.digits, '1#');
  });

  it('[E2] click to call: the agent\'s phone rings first, then 1002 shown the tenant\'s number; the agent is busy meanwhile', async () => {
    const tenantNumber = ((await admin.request('GET', '/numbers?limit=1')).json as { items: { number: string }[] }).items[0]!.number;
    const port = await freePort();
    const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: ['1002;demo'], port, extra: ['-au', '1002', '-ap', password] });
    assert.equal(registered.code, 0, registered.errors);
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const callee = runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', '1', '-trace_err', '-nostdin', '-timeout', '90'], { 'phone.xml': answering('1002', peer.port, tenantNumber) }, 120_000);
    const from = phone.events.length;

    const placed = await agent.request('POST', '/calls', { to: '1002' });
    assert.equal(placed.status, 201, JSON.stringify(placed.json));
    const { sipCallId, interactionId } = placed.json as { sipCallId: string; interactionId: string };
    await phone.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 60_000 });
    for (let tries = 0; tries < 100 && !(peer.heard.length > 8000 && agentTone(peer.lastHeard(500)) > -20); tries++) await delay(100);
    assert.ok(agentTone(peer.lastHeard(500)) > -20, `1002 does not hear the agent: ${agentTone(peer.lastHeard(500))} dBFS`);
    const state = (await agent.request('GET', '/agents/me/state')).json as { state: string; work: string[] };
    assert.deepEqual([state.state, state.work], ['busy', [interactionId]], 'routing offers a busy agent nothing');
    const again = await agent.request('POST', '/calls', { to: '1002' });
    assert.deepEqual([again.status, (again.json.error as { code: string }).code], [409, 'ERR_AGENT_STATE'], 'one call at a time');
    assert.equal((await other.request('POST', `/calls/${encodeURIComponent(sipCallId)}/hangup`)).status, 403);

    assert.equal((await agent.request('POST', `/calls/${encodeURIComponent(sipCallId)}/hangup`)).status, 204);
    const answered = await callee;
    peer.close();
    assert.equal(answered.code, 0, `1002 was not called with the tenant's number ${tenantNumber}, or not released: ${answered.errors}`);
    await phone.event('CALL_CLOSED', { from, timeoutMs: 10_000 });

    const main = await finishedCdr(node.url, admin.cookie, `sip_call_id=${encodeURIComponent(sipCallId)}`);
    let legs: Cdr[] = [];
    for (let tries = 0; tries < 100 && legs.length < 2; tries++) {
      legs = ((await admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] }).items;
      await delay(50);
    }
    const callee1002 = legs.find((row) => row.leg === 'callee');
    assert.deepEqual([main.direction, main.caller, main.called], ['outbound', tenantNumber, '1002'], JSON.stringify(main));
    assert.deepEqual([callee1002?.target, callee1002?.caller, callee1002?.answeredAt !== null], ['1002', tenantNumber, true], JSON.stringify(legs));
    let after = state;
    for (let tries = 0; tries < 50 && after.state !== 'ready'; tries++) {
      await delay(100);
      after = (await agent.request('GET', '/agents/me/state')).json as typeof state;
    }
    assert.equal(after.state, 'ready', 'the agent is free again once the call ended');
  });
});
