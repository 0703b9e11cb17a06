/**
 * The call model over real SIP: an INVITE without an offer (RFC 3264 §5), hang-up causes both
 * ways in Reason headers (RFC 3326), and a `dial` whose phone rings, sends early media and is
 * busy: the caller hears ringback, then the phone's own early media, and every leg leaves a CDR
 * row with its cause.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { finishedCdr, type Cdr } from './cdr.js';
import { ivrScenario, type IvrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { sippSdp } from './sipp-sdp.js';
import { runSipp, sipp } from './sipp.js';

const password = 'demo-legs-1';

/**
 * Agent 1002's phone: rings, after 5 s sends early media from `earlyPort`, after 3 s more is busy.
 * Five seconds of ringing: under CI's load the caller's audio once began 2.25 s late, and the
 * test needs half a second of ringback heard before the early media.
 */
function busyPhone(earlyPort: number): string {
  const reply = (status: string, body = '') => `
  <send>
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:1002@[local_ip]:[local_port]>
${body === '' ? '      Content-Length: 0\n' : body}
    ]]>
  </send>`;
  const sdp = sippSdp({ owner: 'phone', port: earlyPort });
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="a phone that rings, plays early media, and is busy">
  <recv request="INVITE"/>
${reply('180 Ringing')}
  <pause milliseconds="5000"/>
${reply('183 Session Progress', sdp)}
  <pause milliseconds="3000"/>
${reply('486 Busy Here')}
  <recv request="ACK"/>
</scenario>
`;
}

/** A caller the tenant refuses with a prompt: 183 with SDP (the prompt as early media), then 403. */
const refusedCall = `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="refused with an announcement">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:13900139009@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:13900139009@[local_ip]:[local_port]>
      Max-Forwards: 70
${sippSdp({ owner: 'caller', port: '[field1]' })}
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="183"><action><ereg regexp="m=audio [0-9]+ RTP/AVP" search_in="body" check_it="true" assign_to="early"/></action></recv>
  <recv response="403" timeout="20000"/>
  <send>
    <![CDATA[
      ACK sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3];rport
      From: <sip:13900139009@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <Reference variables="early"/>
</scenario>
`;

describe('calls: late offer, hang-up causes, ringback, early media and a CDR per leg', () => {
  let node: KefuNode;
  let folder: string;
  let database: TestDatabase;
  let admin: NodeApi;

  /** A SIPp caller with a test RTP peer as its media, which keeps sending silence like a phone. */
  async function call(number: string, scenario: IvrScenario, during?: () => Promise<void>): Promise<RtpPeer> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario(scenario), 'fields.csv': `SEQUENTIAL\n${number};${peer.port}\n` },
      90_000,
    );
    while (peer.sources.size === 0) await delay(20);
    peer.playBack([], 0);
    await during?.();
    const result = await run;
    peer.stop();
    peer.close();
    assert.equal(result.code, 0, `${result.errors}\n${node.stdout.slice(-2000)}`);
    return peer;
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-call-legs-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    const draft = {
      start: 'dial',
      nodes: {
        dial: { type: 'dial', targets: ['1002'], timeout: 20, exits: { next: 'end', fail: 'sorry' } },
        sorry: { type: 'say', text: '坐席忙', exits: { next: 'end' } },
        end: { type: 'hangup' },
      },
    };
    const created = await admin.request('POST', '/flows', { name: 'ring-agent', draft });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    await admin.request('POST', `/flows/${created.json.id}/publish`, { version: created.json.version });
    const number = await admin.request('POST', '/numbers', { number: '12388', kind: 'direct', bindings: [{ service: 'ring', flow: 'ring-agent' }] });
    assert.equal(number.status, 201, JSON.stringify(number.json));
  });
  after(async () => {
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('an INVITE without SDP gets Kefu\'s offer in the 200; the answer in the ACK carries the greeting; the caller\'s Reason is the CDR\'s cause', async () => {
    const peer = await call('12345', { caller: '13800138001', steps: [], end: { byeAfterMs: 4000 }, lateOffer: true, byeReason: 'Q.850;cause=31;text="gone"' });
    assert.ok(peer.firstSoundAt !== undefined, 'the caller heard nothing');
    const cdr = await finishedCdr(node.url, admin.cookie, 'caller=13800138001');
    assert.equal(cdr.trace.find((e) => e.event === 'said')?.text, '您好，欢迎致电示范科技局科技服务热线。');
    assert.deepEqual([cdr.cause, cdr.endedBy], ['normal_unspecified', 'caller']);
  });

  it('a call hung up through the API ends with a BYE whose Reason is Q.850 cause 16', async () => {
    await call('12345', { caller: '13800138002', steps: [], end: 'kefu', expectByeReason: 'Q\\.850;cause=16' }, async () => {
      await delay(1500);
      const live = (await admin.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] };
      const mine = live.items.find((c) => c.caller === '13800138002');
      assert.ok(mine !== undefined, JSON.stringify(live));
      assert.equal((await admin.request('DELETE', `/calls/${encodeURIComponent(mine.sipCallId)}`)).status, 204);
    });
    const cdr = await finishedCdr(node.url, admin.cookie, 'caller=13800138002');
    assert.deepEqual([cdr.cause, cdr.endedBy], ['normal_clearing', 'kefu']);
  });

  it('a dial rings a busy phone: ringback, then its early media, then the fail exit; each leg has its CDR', async () => {
    const phonePort = await freePort();
    const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: ['1002;demo'], port: phonePort, extra: ['-au', '1002', '-ap', password] });
    assert.equal(registered.code, 0, registered.errors);
    const early = await RtpPeer.open({ codec: 'PCMU' });
    const phone = runSipp(['-sf', 'phone.xml', '-p', String(phonePort), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'], { 'phone.xml': busyPhone(early.port) }, 90_000);
    // The phone's early media: 1004 Hz, sent back to where Kefu's packets for it come from.
    const sendEarly = (async () => {
      while (early.sources.size === 0) await delay(20);
      early.playBack(1004, 12_000);
    })();

    const caller = await call('12388', { caller: '13800138003', steps: [], end: 'kefu' });
    await sendEarly;
    early.stop();
    early.close();
    const rang = await phone;
    assert.equal(rang.code, 0, rang.errors);

    // What the caller heard, a quarter second at a time: ringback (450 Hz, China) first, then the
    // phone's 1004 Hz. Found by order, not by clock: a loaded machine shifts when each begins.
    const tones: number[] = [];
    for (let at = 0; at + 2000 <= caller.heard.length; at += 2000) {
      const tone = dominantTone(Int16Array.from(caller.heard.slice(at, at + 2000)));
      tones.push(tone.dbfs > -30 ? tone.hz : 0);
    }
    const near = (hz: number) => (heard: number) => Math.abs(heard - hz) <= 8;
    const ringback = tones.findIndex(near(450));
    const earlyMedia = tones.findIndex(near(1004));
    process.stdout.write(`# ringback from ${ringback * 250} ms, early media from ${earlyMedia * 250} ms\n`);
    assert.ok(ringback >= 0, `no ringback: ${JSON.stringify(tones)}`);
    assert.ok(earlyMedia > ringback, `no early media after the ringback: ${JSON.stringify(tones)}`);
    assert.ok(tones.slice(ringback, earlyMedia).filter(near(450)).length >= 2, `ringback too short: ${JSON.stringify(tones)}`);

    const main = await finishedCdr(node.url, admin.cookie, 'called=12388');
    assert.ok(main.trace.some((e) => e.event === 'note' && e.text === 'dial failed: busy'), JSON.stringify(main.trace));
    assert.ok(main.callId !== null);
    const legs = (await admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] };
    const callee = legs.items.find((row) => row.leg === 'callee');
    assert.equal(legs.items.length, 2, JSON.stringify(legs.items));
    assert.deepEqual(
      [callee?.target, callee?.sipStatus, callee?.cause, callee?.endedBy, callee?.answeredAt],
      ['1002', 486, 'user_busy', 'callee', null],
    );
  });

  it('[B10] a refusal prompt is early media before the 403: heard, never answered, and the refusal has its CDR', async () => {
    const wav = join(folder, 'refusal.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', wav, 'synth', '2', 'sine', '1004', 'vol', '0.5']);
    const uploaded = await fetch(`${node.url}/api/v1/prompts?name=refusal`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'audio/wav' }, body: readFileSync(wav) });
    assert.equal(uploaded.status, 201, await uploaded.text());
    await admin.request('POST', '/caller-lists', { list: 'blacklist', number: '+8613900139009', match: 'exact', note: 'nuisance' });
    const settings = (await admin.request('GET', '/call-settings')).json as { version: number };
    const changed = await admin.request('PUT', '/call-settings', { version: settings.version, blacklistAction: 'play-and-hang-up', refusalPrompt: 'refusal' });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));

    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = await runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '30'],
      { 'scenario.xml': refusedCall, 'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n` },
      60_000,
    );
    peer.close();
    assert.equal(run.code, 0, `${run.errors}\n${node.stdout.slice(-2000)}`);
    const tone = dominantTone(Int16Array.from(peer.heard));
    assert.ok(Math.abs(tone.hz - 1004) <= 5, `the refusal prompt was not heard: ${JSON.stringify(tone)}`);

    const cdr = await finishedCdr(node.url, admin.cookie, 'caller=13900139009');
    assert.deepEqual([cdr.sipStatus, cdr.cause, cdr.endedBy, cdr.answeredAt], [403, 'call_rejected', 'kefu', null]);
  });
});
