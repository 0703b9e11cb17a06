/**
 * Transfers over real SIP: a caller reaches agent 1001 (baresip, speaking 700 Hz) through key 0
 * of the demo hotline; the agent's phone transfers the caller blind with a REFER, or Kefu does
 * through the API, blind or attended, to agent 1002 (a SIPp phone whose audio is 1004 Hz).
 * The caller then hears 1002, and the transfer leaves CDR rows for every leg.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { Baresip } from './baresip.js';
import { finishedCdr, type Cdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, readyAgent, tuneQueue, type NodeApi } from './node-api.js';
import { answering } from './phone-scenarios.js';
import { runSipp, sipp, type SippRun } from './sipp.js';

const password = 'demo-transfer-1';

describe('transfers: by the phone (REFER) and by Kefu (blind, attended)', () => {
  let node: KefuNode;
  let agent: Baresip;
  let folder: string;
  let database: TestDatabase;
  let admin: NodeApi;

  /** Agent 1002 registered and answering, its RTP peer speaking 1004 Hz back to Kefu. */
  async function secondAgent(): Promise<{ phone: Promise<SippRun>; peer: RtpPeer; speaking: Promise<void> }> {
    const port = await freePort();
    const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: ['1002;demo'], port, extra: ['-au', '1002', '-ap', password] });
    assert.equal(registered.code, 0, registered.errors);
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const phone = runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', '1', '-trace_err', '-nostdin', '-timeout', '90'], { 'phone.xml': answering('1002', peer.port) }, 120_000);
    const speaking = (async () => {
      while (peer.sources.size === 0) await delay(20);
      peer.playBack(1004, 12_000);
    })();
    return { phone, peer, speaking };
  }

  /** A caller who presses 0, reaches agent 1001, and stays `stayMs`; `during` runs once the agent answered. */
  async function callAgent(caller: string, stayMs: number, during: (sipCallId: string, peer: RtpPeer) => Promise<void>): Promise<RtpPeer> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const from = agent.events.length;
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '90'],
      { 'scenario.xml': ivrScenario({ caller, steps: [{ pauseMs: 1500, keys: '0' }], end: { byeAfterMs: stayMs } }), 'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n` },
      120_000,
    );
    while (peer.sources.size === 0) await delay(20);
    peer.playBack([], 0);
    await agent.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 20_000 });
    const live = (await admin.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] };
    const mine = live.items.find((c) => c.caller === caller);
    assert.ok(mine !== undefined, JSON.stringify(live));
    await during(mine.sipCallId, peer);
    const result = await run;
    peer.stop();
    peer.close();
    assert.equal(result.code, 0, `${result.errors}\n${node.stdout.slice(-3000)}`);
    return peer;
  }

  const toneOf = (peer: RtpPeer, from: number, ms: number) => dominantTone(Int16Array.from(peer.heard.slice(from, from + ms * 8)));

  async function legsOf(caller: string): Promise<Cdr[]> {
    const main = await finishedCdr(node.url, admin.cookie, `caller=${caller}&called=12345`);
    for (let tries = 0; ; tries++) {
      const rows = ((await admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] }).items;
      if (rows.length >= 3 || tries === 100) return rows;
      await delay(50);
    }
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-transfer-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    const microphone = join(folder, 'agent.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', microphone, 'synth', '90', 'sine', '700', 'vol', '0.5']);
    agent = await Baresip.start({ sipPort: await freePort(), controlPort: await freePort(), audioFile: microphone });
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await agent.command('uanew', `<sip:1001@127.0.0.1:${node.sipPort}>;auth_pass=${password};regint=600;answermode=auto`);
    await agent.event('REGISTER_OK', { failures: ['REGISTER_FAIL'] });
    // One caller after another reaches 1001: no wrap-up between them.
    await tuneQueue(admin, 'consultation', { wrapUpSeconds: 0 });
    await readyAgent(node.url, 'demo', '1001', password);
  });
  after(async () => {
    await agent.stop();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('the agent\'s phone transfers the caller blind with REFER: the caller then hears agent 1002', async () => {
    const second = await secondAgent();
    let transferredAt = 0;
    const caller = await callAgent('13800138101', 14_000, async (_sipCallId, peer) => {
      await delay(2000);
      await agent.command('transfer', `sip:1002@127.0.0.1:${node.sipPort}`);
      await second.speaking;
      transferredAt = peer.heard.length;
    });
    const phone = await second.phone;
    second.peer.close();
    assert.equal(phone.code, 0, phone.errors);
    const after = toneOf(caller, transferredAt + 8000, 2000);
    assert.ok(Math.abs(after.hz - 1004) <= 5, `the caller did not hear agent 1002: ${JSON.stringify(after)}`);
    const legs = await legsOf('13800138101');
    const byLeg = Object.fromEntries(legs.map((row) => [row.leg, row]));
    assert.deepEqual([byLeg.callee?.target, byLeg.callee?.cause], ['1001', 'normal_clearing'], JSON.stringify(legs));
    assert.deepEqual([byLeg.transfer?.target, byLeg.transfer?.answeredAt !== null, byLeg.transfer?.endedBy], ['1002', true, 'caller'], JSON.stringify(legs));
  });

  it('Kefu transfers attended: the caller holds while 1001 consults 1002, then is joined to 1002', async () => {
    const second = await secondAgent();
    const caller = await callAgent('13800138102', 16_000, async (sipCallId, peer) => {
      await delay(2000);
      const consult = await admin.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer`, { to: '1002', mode: 'attended' });
      assert.deepEqual(consult.json, { transferred: true, target: '1002' });
      await second.speaking;
      const holding = peer.heard.length;
      await delay(2000);
      const onHold = toneOf(peer, holding, 1500);
      assert.ok(Math.abs(onHold.hz - 1004) > 20, `the caller heard the consultation: ${JSON.stringify(onHold)}`);
      const from = agent.events.length;
      assert.equal((await admin.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer/complete`)).status, 204);
      await agent.event('CALL_CLOSED', { from, timeoutMs: 10_000 });
    });
    const phone = await second.phone;
    second.peer.close();
    assert.equal(phone.code, 0, phone.errors);
    const end = toneOf(caller, caller.heard.length - 3 * 8000, 2000);
    assert.ok(Math.abs(end.hz - 1004) <= 5, `the caller was not joined to 1002: ${JSON.stringify(end)}`);
    const legs = await legsOf('13800138102');
    assert.deepEqual(legs.map((row) => row.leg).sort(), ['callee', 'caller', 'transfer'], JSON.stringify(legs));
  });

  it('an attended transfer cancelled puts the caller back with 1001 and releases 1002', async () => {
    const second = await secondAgent();
    const caller = await callAgent('13800138103', 12_000, async (sipCallId) => {
      await delay(1500);
      const consult = await admin.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer`, { to: '1002', mode: 'attended' });
      assert.deepEqual(consult.json, { transferred: true, target: '1002' });
      await second.speaking;
      const again = await admin.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer`, { to: '1002', mode: 'blind' });
      assert.equal(again.status, 409, 'a second transfer while consulting');
      assert.equal((await admin.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer/cancel`)).status, 204);
    });
    const phone = await second.phone;
    second.peer.close();
    assert.equal(phone.code, 0, `1002 was not released: ${phone.errors}`);
    const end = toneOf(caller, caller.heard.length - 3 * 8000, 2000);
    assert.ok(Math.abs(end.hz - 700) <= 5, `the caller was not back with 1001: ${JSON.stringify(end)}`);
  });

  it('a transfer of a call connected to nobody is refused with 409, of an unknown call with 404, a bad body with 400', async () => {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138104', steps: [], end: { byeAfterMs: 4000 } }), 'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n` },
      60_000,
    );
    let live: { sipCallId: string; caller: string } | undefined;
    while (live === undefined) {
      await delay(100);
      live = ((await admin.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] }).items.find((c) => c.caller === '13800138104');
    }
    const inMenu = await admin.request('POST', `/calls/${encodeURIComponent(live.sipCallId)}/transfer`, { to: '1002' });
    assert.equal(inMenu.status, 409, JSON.stringify(inMenu.json));
    assert.equal((await admin.request('POST', `/calls/${encodeURIComponent(live.sipCallId)}/transfer/complete`)).status, 409);
    assert.equal((await run).code, 0);
    peer.close();
    const missing = await admin.request('POST', '/calls/no-such-call/transfer', { to: '1002' });
    assert.equal(missing.status, 404);
    const bad = await admin.request('POST', '/calls/no-such-call/transfer', { to: 'x', mode: 'sideways' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /mode/);
  });
});
