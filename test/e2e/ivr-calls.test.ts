import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { finishedCdr } from './cdr.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { runSipp } from './sipp.js';

const password = 'demo-password-1';
const spokenDigits: Record<string, string> = { 零: '0', 幺: '1', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };


/** Polls `probe` until it gives a value. */
async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await delay(20);
  }
}

describe('[B1][B4] IVR calls over SIP and RTP', () => {
  let node: KefuNode;
  let folder: string;
  let database: TestDatabase;
  let cookie: string;
  let admin: NodeApi;

  const api = (method: string, path: string, body?: unknown) => admin.request(method, path, body);

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-ivr-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_LOG_LEVEL: 'info' }, folder);
    await node.ready();
    // The node speaks its flows' fixed texts into the speech cache right after start.
    await node.output(/speech cache warmed/, 60_000);
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    cookie = admin.cookie;
    // The night switch, so that the hotline is open whatever the time of the test.
    const settings = await api('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    assert.equal(settings.status, 200, JSON.stringify(settings.json));
  });
  after(async () => {
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('sipp calls 12345: greeting within 1 s of the ACK; key 2 records a complaint; the case number read back is the case opened', async () => {
    const listener = await RtpPeer.open({ codec: 'PCMU' });
    const files = {
      'scenario.xml': readFileSync(new URL('scenarios/ivr-complaint.xml', import.meta.url), 'utf8'),
      'fields.csv': `SEQUENTIAL\n12345;${listener.port}\n`,
    };
    const call = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-trace_msg', '-nostdin', '-timeout', '90'],
      files,
      120_000,
    );
    // The caller speaks (a 1004 Hz tone) from 5 s to 21 s after the greeting begins: over the
    // complaint prompt, the beep and the first seconds of the recording; then falls silent.
    const kefuPort = await waitFor(() => [...listener.sources].map((s) => Number(s.split(':').at(-1)))[0], 10_000);
    await delay(5000);
    listener.play(kefuPort, 1004, 16_000);
    await delay(16_000);
    listener.stop();
    const run = await call;
    listener.close();
    assert.equal(run.code, 0, `${run.errors}\n${node.stdout.slice(-3000)}`);

    const ackSent = /-{5,} (\d{4}-\d\d-\d\d\s[\d:.]+)\s*\n\s*UDP message sent[^\n]*\n\s*\n?\s*ACK /.exec(run.messages);
    assert.ok(ackSent, `no ACK in sipp's message log:\n${run.messages.slice(0, 2000)}`);
    const ackAt = Date.parse(ackSent[1]!.replace(' ', 'T'));
    const firstPacket = listener.firstPacketAt;
    const firstSound = listener.firstSoundAt;
    assert.ok(firstPacket !== undefined && firstSound !== undefined, 'Kefu sent no greeting to the caller');
    const greetingMs = firstSound - ackAt;
    process.stdout.write(`# greeting: first RTP packet ${firstPacket - ackAt} ms, first sound ${greetingMs} ms after the ACK\n`);
    assert.ok(greetingMs < 1000, `the greeting began ${greetingMs} ms after the ACK`);
    assert.ok(listener.heard.length > 8000, 'less than a second of greeting reached the caller');

    const cdr = await finishedCdr(node.url, cookie);
    assert.deepEqual([cdr?.flow, cdr?.flowVersion], ['hotline', 1]);
    const keys = cdr!.trace.filter((e) => e.event === 'keys').map((e) => e.digits);
    assert.deepEqual(keys, ['2']);
    const cases = await api('GET', '/cases?type=complaint');
    const [opened] = cases.json.items as { id: string; number: string; recordingMs: number }[];
    const recording = await api('GET', `/cases/${opened!.id}/recording`);
    assert.equal(recording.status, 200);
    const wav = join(folder, 'complaint.wav');
    writeFileSync(wav, recording.bytes);
    const raw = execFileSync('sox', [wav, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-']);
    const tone = dominantTone(new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength >> 1));
    process.stdout.write(`# complaint recording: ${opened!.recordingMs} ms, strongest ${tone.hz} Hz at ${tone.dbfs.toFixed(1)} dBFS\n`);
    assert.ok(Math.abs(tone.hz - 1004) <= 4, `the recording's strongest tone is ${tone.hz} Hz; trace ${JSON.stringify(cdr!.trace.map((e) => [Math.round((e as { at?: number }).at ?? 0), e.event, e.text ?? e.digits ?? ""]))}`);
    assert.ok(tone.dbfs > -26, `the caller's tone is too weak in the recording (${tone.dbfs.toFixed(1)} dBFS)`);
    const readBack = cdr!.trace.find((e) => e.event === 'said' && e.text?.startsWith('您的受理编号是'))?.text;
    assert.ok(readBack, `no case number read back: ${JSON.stringify(cdr!.trace)}`);
    const spoken = [...readBack.slice(readBack.indexOf('：') + 1)].map((c) => spokenDigits[c] ?? '').join('');

    assert.equal(spoken, opened?.number);
  });

  it('a caller on the hotline puts Kefu on hold by re-INVITE (a=sendonly) and gets a=recvonly back', async () => {
    const scenario = fileURLToPath(new URL('scenarios/hold-reinvite.xml', import.meta.url));
    const run = await runSipp([`127.0.0.1:${node.sipPort}`, '-sf', scenario, '-m', '1', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-timeout', '20', '-trace_err', '-nostdin'], {}, 30_000);
    assert.equal(run.code, 0, `${run.errors}\n${node.stdout.slice(-2000)}`);
  });
});
