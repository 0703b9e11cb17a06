import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { ivrScenario, type IvrScenario } from './ivr-scenario.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { finishedCdr } from './cdr.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { runSipp } from './sipp.js';

const password = 'demo-password-1';

describe('[B6] voicemail over SIP and RTP', () => {
  let node: KefuNode;
  let folder: string;
  let database: TestDatabase;
  let cookie: string;
  let admin: NodeApi;

  const api = (method: string, path: string, body?: unknown) => admin.request(method, path, body);

  /** A call by SIPp with a test RTP peer as its media; `speakMs` plays 1004 Hz for that long after the recording beep. */
  async function call(number: string, scenario: IvrScenario, speakMs?: number) {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '120'],
      { 'scenario.xml': ivrScenario(scenario), 'fields.csv': `SEQUENTIAL\n${number};${peer.port}\n` },
      150_000,
    );
    // Like a phone, the peer sends RTP all call long: silence, and the tone while it speaks.
    while (peer.sources.size === 0) await delay(20);
    const kefuPort = Number([...peer.sources][0]!.split(':').at(-1));
    peer.play(kefuPort, [], 0);
    if (speakMs !== undefined) {
      // The caller speaks after the beep, as people do: a greeting slowed by a loaded machine
      // must not eat the message.
      await peer.untilTone(1000, 60_000);
      peer.play(kefuPort, 1004, 16_000);
      await delay(speakMs);
      peer.play(kefuPort, [], 0);
    }
    const result = await run;
    peer.stop();
    peer.close();
    assert.equal(result.code, 0, `${result.errors}\n${node.stdout.slice(-2000)}`);
    return peer;
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-voicemail-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    cookie = admin.cookie;
    // The night switch: the hotline goes straight to the director's mailbox.
    assert.equal((await api('PUT', '/call-settings', { version: 0, scheduleMode: 'night' })).status, 200);
    const mailbox = ((await api('GET', '/mailboxes?q=director')).json.items as { id: string; version: number }[])[0]!;
    assert.equal((await api('PATCH', `/mailboxes/${mailbox.id}`, { version: mailbox.version, pin: '2468' })).status, 200);
    // A number to listen to the mailbox from a phone.
    const draft = { start: 'box', nodes: { box: { type: 'voicemail', mailbox: 'director', action: 'retrieve', exits: { next: 'end' } }, end: { type: 'hangup' } } };
    const flow = await api('POST', '/flows', { name: 'mailbox-access', draft });
    assert.equal(flow.status, 201, JSON.stringify(flow.json));
    assert.equal((await api('POST', `/flows/${flow.json.id}/publish`, { version: flow.json.version })).status, 200);
    const number = await api('POST', '/numbers', { number: '12399', kind: 'direct', bindings: [{ service: 'mailbox', flow: 'mailbox-access' }] });
    assert.equal(number.status, 201, JSON.stringify(number.json));
  });
  after(async () => {
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('a caller leaves a message after hours; the owner hears it by phone with the PIN, and the API serves the same audio', async () => {
    await call('12345', { caller: '13900139000', steps: [], end: 'kefu' }, 8000);
    const box = ((await api('GET', '/mailboxes?q=director')).json.items as { id: string }[])[0]!;
    const [message] = (await api('GET', `/mailboxes/${box.id}/messages`)).json.items as { id: string; caller: string; durationMs: number; sha256: string; heardAt: string | null }[];
    assert.equal(message?.caller, '13900139000');
    assert.ok(message!.durationMs > 8000, `message of ${message?.durationMs} ms`);

    const audio = await api('GET', `/mailboxes/${box.id}/messages/${message!.id}/audio`);
    assert.equal(createHash('sha256').update(audio.bytes).digest('hex'), message!.sha256);
    const wav = join(folder, 'message.wav');
    writeFileSync(wav, audio.bytes);
    const raw = execFileSync('sox', [wav, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-']);
    const recorded = dominantTone(new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength >> 1));
    assert.equal(recorded.hz, 1004, `the message holds ${JSON.stringify(recorded)}, ${message!.durationMs} ms`);

    const owner = await call('12399', { caller: '1001', steps: [{ pauseMs: 1000, keys: '2468#' }], end: 'kefu' });
    const heard = Int16Array.from(owner.heard);
    const windows = Array.from({ length: Math.floor(heard.length / 8000) }, (_, i) => dominantTone(heard.subarray(i * 8000, (i + 1) * 8000)));
    const toneSeconds = windows.filter((w) => Math.abs(w.hz - 1004) <= 4 && w.dbfs > -20).length;
    assert.ok(toneSeconds >= 5, `the owner heard ${toneSeconds} s of the 8 s message: ${JSON.stringify(windows.map((w) => w.hz))}`);
    const after = ((await api('GET', `/mailboxes/${box.id}/messages`)).json.items as { heardAt: string | null }[])[0];
    assert.notEqual(after?.heardAt, null, 'a message played to its end is marked heard');

  });

  it('a wrong PIN three times hangs up', async () => {
    await call('12399', { caller: '1002', steps: [{ pauseMs: 1000, keys: '1111#' }, { pauseMs: 3000, keys: '2222#' }, { pauseMs: 3000, keys: '3333#' }], end: 'kefu' });
    const cdr = await finishedCdr(node.url, cookie, 'called=12399');
    assert.equal(cdr?.trace.filter((e) => e.event === 'said' && e.text === '密码不正确').length, 3);
    assert.deepEqual([cdr?.cause, cdr?.endedBy], ['normal_clearing', 'kefu']);
  });
});
