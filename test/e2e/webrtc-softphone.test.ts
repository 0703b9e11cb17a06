/**
 * A browser softphone as an agent's phone (issue 7, the media part): real Chromium registers
 * agent 1001 over SIP on WebSocket with JsSIP; its media is WebRTC (ICE-lite, DTLS-SRTP,
 * rtcp-mux, PCMU) terminated by Kefu's media workers and bridged to a plain RTP caller. Each side
 * hears the other's tone: the caller's RTP peer finds the browser's 1004 Hz, the browser's
 * AnalyserNode finds the caller's 600 Hz and its inbound-rtp counts packets.
 *
 * The PostgreSQL pass leaves this file out: it tests SIP and media, which do not touch the
 * database beyond the node's start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { BrowserPhone, type BrowserStats, type Heard } from './browser-phone.js';
import { finishedCdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, readyAgent } from './node-api.js';
import { runSipp } from './sipp.js';

const password = 'demo-secret-1';
const browserTone = 1004;
const callerTone = 600;

/** Polls the browser until it has received 100 packets and hears `hz` (or `ms` passed): the last readings. */
async function hearing(phone: BrowserPhone, hz: number | undefined, ms: number): Promise<{ heard: Heard; stats: BrowserStats }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const stats = await phone.stats();
    const heard = await phone.heard();
    const hearsIt = hz === undefined ? heard.db > -70 : Math.abs(heard.hz - hz) <= 12 && heard.db > -60;
    if ((stats.packetsReceived > 100 && hearsIt) || Date.now() > deadline) return { heard, stats };
    await delay(250);
  }
}

describe('[A4] a browser softphone is an agent phone: WebRTC legs bridged to RTP', () => {
  let node: KefuNode;
  let phone: BrowserPhone;
  let folder: string;
  let database: TestDatabase;
  let cookie: string;

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-webrtc-'));
    // JsSIP answers digest challenges with MD5 only.
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    cookie = (await nodeApi(node.url, 'demo', 'admin', password)).cookie;
    await fetch(`${node.url}/api/v1/call-settings`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 0, scheduleMode: 'day' }),
    });
    phone = await BrowserPhone.start(folder, browserTone);
    const registered = await phone.register({ url: `${node.url.replace('http', 'ws')}/sip`, user: '1001', domain: 'demo', password, autoAnswer: true });
    assert.equal(registered, true);
  });
  after(async () => {
    await phone?.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database?.drop();
  });

  it('a caller reaches agent 1001 in the browser through the queue; each hears the other', async () => {
    await readyAgent(node.url, 'demo', '1001', password);
    const caller = await RtpPeer.open({ codec: 'PCMU' });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138000', steps: [{ pauseMs: 1500, keys: '0' }], end: { byeAfterMs: 25_000 } }), 'fields.csv': `SEQUENTIAL\n12345;${caller.port}\n` },
      90_000,
    );
    while (caller.sources.size === 0) await delay(20);
    caller.playBack(callerTone);
    await phone.until('established', 20_000);
    const answeredAt = caller.heard.length;
    // DTLS first, then both jitter buffers fill; a loaded machine may take its time.
    const { heard, stats } = await hearing(phone, callerTone, 20_000);
    process.stdout.write(`# the browser heard ${heard.hz.toFixed(1)} Hz at ${heard.db.toFixed(1)} dB; ${JSON.stringify(stats)}\n`);
    const result = await run;
    caller.stop();
    caller.close();
    assert.equal(result.code, 0, `${result.errors}\n${node.stdout.slice(-2000)}`);

    assert.equal(stats.codec, 'audio/PCMU', 'PCMU end to end: no transcoding');
    assert.ok(stats.packetsReceived > 100, `the browser received ${stats.packetsReceived} RTP packets`);
    assert.ok(stats.packetsSent > 100, `the browser sent ${stats.packetsSent} RTP packets`);
    // An analyser bin is 48000 / 8192 ≈ 5.9 Hz wide.
    assert.ok(Math.abs(heard.hz - callerTone) <= 12 && heard.db > -60, `the browser did not hear the caller: ${JSON.stringify(heard)}`);
    const tone = dominantTone(Int16Array.from(caller.heard.slice(answeredAt + 16_000)));
    process.stdout.write(`# the caller heard ${tone.hz} Hz at ${tone.dbfs.toFixed(1)} dBFS from the browser\n`);
    // The search steps by 2 Hz, and ticks a loaded machine skips smear the peak a little.
    assert.ok(Math.abs(tone.hz - browserTone) <= 8 && tone.dbfs > -30, `the caller did not hear the browser: ${JSON.stringify(tone)}`);
    await phone.until('ended', 10_000);
    const cdr = await finishedCdr(node.url, cookie, 'called=12345');
    assert.ok(cdr.trace.some((e) => e.event === 'note' && e.text === 'answered by 1001'), JSON.stringify(cdr.trace));
  });

  it('the browser calls the hotline 12345, hears its greeting and picks 1 with an RFC 4733 key', async () => {
    await phone.call('12345', 'demo');
    await phone.until('established', 20_000);
    const { heard, stats } = await hearing(phone, undefined, 20_000);
    process.stdout.write(`# calling 12345 the browser heard ${heard.hz.toFixed(1)} Hz at ${heard.db.toFixed(1)} dB; ${JSON.stringify(stats)}\n`);
    await phone.keys('1');
    await delay(6000);
    await phone.hangup();
    await phone.until('ended', 10_000);
    assert.equal(stats.codec, 'audio/PCMU');
    assert.ok(stats.packetsReceived > 100, `the browser received ${stats.packetsReceived} RTP packets`);
    assert.ok(heard.db > -70, `the greeting was silent: ${JSON.stringify(heard)}`);
    const cdr = await finishedCdr(node.url, cookie, 'caller=1001');
    assert.ok(cdr.trace.some((e) => e.event === 'said' && e.text === '您好，欢迎致电示范科技局科技服务热线。'), JSON.stringify(cdr.trace));
    assert.deepEqual(cdr.trace.filter((e) => e.event === 'keys').map((e) => e.digits), ['1'], JSON.stringify(cdr.trace));
    assert.ok(cdr.trace.some((e) => e.event === 'said' && e.text?.startsWith('高新技术企业认定请按1')), JSON.stringify(cdr.trace));
  });
});
