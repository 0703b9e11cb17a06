/**
 * Outside numbers through a SIP trunk, with SIPp as the carrier: it checks the Request-URI (the
 * trunk's rule applied), From and P-Asserted-Identity, challenges with 407 and checks Kefu's
 * digest answer. An originated call and a caller's `dial` reach the outside number and talk; a
 * wrong password meets the carrier's second 407, and the dial fails with its cause in the CDR.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { carrierScenario, type CarrierOptions } from './carrier.js';
import { finishedCdr, type Cdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { runSipp, type SippRun } from './sipp.js';

const password = 'demo-trunks-1';
const account = { username: 'kefu-demo', password: 'carrier-secret-7' };
/** Dialled as 075512345678; the trunk strips the 0 and adds +86. */
const outside = '075512345678';

interface Carrier {
  run: Promise<SippRun>;
  peer: RtpPeer;
}

describe('trunks: outside numbers through a carrier that authenticates Kefu', () => {
  let node: KefuNode;
  let folder: string;
  let database: TestDatabase;
  let admin: NodeApi;
  let carrierPort: number;
  let trunk: { id: string; version: number };

  /** SIPp as the carrier, its audio (1004 Hz) from a test RTP peer once Kefu's media reaches it. */
  async function carrier(options: Omit<CarrierOptions, 'rtpPort' | 'username'>): Promise<Carrier> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const scenario = carrierScenario({ ...options, username: account.username, rtpPort: peer.port });
    const run = runSipp(['-sf', 'carrier.xml', '-p', String(carrierPort), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'], { 'carrier.xml': scenario }, 90_000);
    void (async () => {
      const deadline = Date.now() + 30_000;
      while (peer.sources.size === 0 && Date.now() < deadline) await delay(20);
      if (peer.sources.size > 0) peer.playBack(1004, 12_000);
    })();
    return { run, peer };
  }

  async function finished(carrier: Carrier): Promise<RtpPeer> {
    const result = await carrier.run;
    carrier.peer.stop();
    carrier.peer.close();
    assert.equal(result.code, 0, `the carrier's checks failed:\n${result.errors}\n${node.stdout.slice(-3000)}`);
    return carrier.peer;
  }

  async function changeTrunk(changes: Record<string, unknown>): Promise<void> {
    const changed = await admin.request('PATCH', `/trunks/${trunk.id}`, { version: trunk.version, ...changes });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    trunk = changed.json as typeof trunk;
  }

  async function publish(name: string, draft: unknown): Promise<void> {
    const created = await admin.request('POST', '/flows', { name, draft });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal((await admin.request('POST', `/flows/${created.json.id}/publish`, { version: created.json.version })).status, 200);
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-trunks-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    carrierPort = await freePort();
    const created = await admin.request('POST', '/trunks', {
      name: 'carrier',
      host: '127.0.0.1',
      port: carrierPort,
      ...account,
      routes: [{ prefix: '0', minLength: 11, maxLength: 12, strip: 1, prepend: '+86' }],
      callerId: 'tenant',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    trunk = created.json as typeof trunk;
    await publish('greet-outside', { start: 'hello', nodes: { hello: { type: 'say', text: '您好，这里是示范科技局回访。', exits: { next: 'end' } }, end: { type: 'hangup' } } });
    await publish('ring-outside', {
      start: 'dial',
      nodes: {
        dial: { type: 'dial', targets: [outside], timeout: 20, exits: { next: 'end', fail: 'sorry' } },
        sorry: { type: 'say', text: '外线忙', exits: { next: 'end' } },
        end: { type: 'hangup' },
      },
    });
    const number = await admin.request('POST', '/numbers', { number: '12399', kind: 'direct', bindings: [{ service: 'outside', flow: 'ring-outside' }] });
    assert.equal(number.status, 201, JSON.stringify(number.json));
  });
  after(async () => {
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('originate: the carrier gets the number as the trunk dials it and the tenant\'s caller ID, authenticates Kefu, answers and hears the flow', async () => {
    const far = await carrier({ uri: 'INVITE sip:\\+8675512345678@127\\.0\\.0\\.1', from: 'sip:12345@127\\.0\\.0\\.1>', pai: 'sip:12345@127\\.0\\.0\\.1>', password: account.password, accepts: true });
    const placed = await admin.request('POST', '/calls', { to: outside, flow: 'greet-outside', from: '12345' });
    assert.equal(placed.status, 201, JSON.stringify(placed.json));
    const peer = await finished(far);
    assert.ok(peer.firstSoundAt !== undefined, 'the carrier heard nothing of the flow');
    const cdr = await finishedCdr(node.url, admin.cookie, `sip_call_id=${encodeURIComponent(String(placed.json.sipCallId))}`);
    assert.deepEqual([cdr.called, cdr.caller, cdr.flow, cdr.endedBy], [outside, '12345', 'greet-outside', 'kefu']);
    assert.ok(cdr.answeredAt !== null);
  });

  it('a caller\'s dial reaches the outside number through the trunk, with the caller\'s number and the carrier\'s account in From', async () => {
    await changeTrunk({ callerId: 'caller', fromUser: account.username, fromDomain: 'carrier.test' });
    const far = await carrier({ uri: 'INVITE sip:\\+8675512345678@', from: 'sip:kefu-demo@carrier\\.test>', pai: 'sip:13800138010@carrier\\.test>', password: account.password, accepts: true });
    const caller = await RtpPeer.open({ codec: 'PCMU' });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138010', steps: [], end: { byeAfterMs: 7000 } }), 'fields.csv': `SEQUENTIAL\n12399;${caller.port}\n` },
      90_000,
    );
    while (caller.sources.size === 0) await delay(20);
    caller.playBack([], 0);
    const called = await run;
    caller.stop();
    caller.close();
    assert.equal(called.code, 0, `${called.errors}\n${node.stdout.slice(-2000)}`);
    await finished(far);
    const heard = dominantTone(Int16Array.from(caller.heard.slice(-3 * 8000)));
    assert.ok(Math.abs(heard.hz - 1004) <= 5, `the caller did not hear the outside party: ${JSON.stringify(heard)}`);

    const main = await finishedCdr(node.url, admin.cookie, 'called=12399&caller=13800138010');
    assert.ok(main.trace.some((e) => e.event === 'note' && e.text === `connected to ${outside}`), JSON.stringify(main.trace));
    const legs = ((await admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] }).items;
    const out = legs.find((row) => row.leg === 'callee');
    assert.deepEqual([out?.target, out?.caller, out?.cause, out?.sipStatus], [outside, '13800138010', 'normal_clearing', null], JSON.stringify(legs));
    assert.ok(out?.answeredAt !== null);
  });

  it('a wrong password: the carrier challenges again, and the dial fails with the 407 and call_rejected in the leg\'s CDR', async () => {
    await changeTrunk({ password: 'not-the-password' });
    const far = await carrier({ uri: 'INVITE sip:\\+8675512345678@', from: 'sip:kefu-demo@carrier\\.test>', pai: 'sip:13800138011@carrier\\.test>', password: account.password, accepts: false });
    const caller = await RtpPeer.open({ codec: 'PCMU' });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138011', steps: [], end: 'kefu' }), 'fields.csv': `SEQUENTIAL\n12399;${caller.port}\n` },
      90_000,
    );
    const called = await run;
    caller.close();
    assert.equal(called.code, 0, `${called.errors}\n${node.stdout.slice(-2000)}`);
    await finished(far);
    const main = await finishedCdr(node.url, admin.cookie, 'called=12399&caller=13800138011');
    assert.ok(main.trace.some((e) => e.event === 'note' && e.text === 'dial failed: failed'), JSON.stringify(main.trace));
    const legs = ((await admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] }).items;
    const out = legs.find((row) => row.leg === 'callee');
    assert.deepEqual([out?.target, out?.sipStatus, out?.cause, out?.endedBy, out?.answeredAt], [outside, 407, 'call_rejected', 'callee', null], JSON.stringify(legs));
  });
});
