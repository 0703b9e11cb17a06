/**
 * A real peer presses keys: sipp places a call to a second sipp whose answer sends the media to a
 * UDP socket of this test, then presses 0–9 * # with `play_dtmf`. The datagrams that arrive are
 * parsed as RTP and fed to the RFC 4733 receiver with their arrival times.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { DtmfReceiver, RtpPacket, type DtmfNotice } from '../../src/media/index.js';
import { freeMediaPort } from './kefu-node.js';

const scenario = (name: string): string => fileURLToPath(new URL(`./sipp/${name}`, import.meta.url));

/** A UDP port nobody holds right now (bound to 0, then released). */
async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function run(args: readonly string[]): { child: ChildProcess; exit: Promise<{ code: number | null; output: string }> } {
  const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return { child, exit };
}

describe('RFC 4733 digits from a real sipp', () => {
  it("reads sipp's play_dtmf (PT 96, after PT 97 filler) as 0123456789*#, each once", async () => {
    const socket = dgram.createSocket('udp4');
    const arrivals: { bytes: Uint8Array; atMs: number }[] = [];
    socket.on('message', (message) => arrivals.push({ bytes: new Uint8Array(message), atMs: performance.now() }));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const [answerPort, callerPort, callerMediaPort] = [await freePort(), await freePort(), await freeMediaPort()];
    const common = ['-i', '127.0.0.1', '-m', '1', '-nostdin', '-timeout', '30s'];
    const answerer = run(['-sf', scenario('answer-to-rtp-port.xml'), ...common, '-p', `${answerPort}`, '-key', 'rtpport', `${socket.address().port}`]);
    try {
      // The answerer must listen before the INVITE goes out; INVITE retransmissions cover a slow start.
      const caller = run(['-sf', scenario('call-and-press-keys.xml'), `127.0.0.1:${answerPort}`, ...common, '-p', `${callerPort}`, '-mp', `${callerMediaPort}`]);
      const called = await caller.exit;
      assert.equal(called.code, 0, `the calling sipp failed:\n${called.output.slice(-2000)}`);
      const answered = await answerer.exit;
      assert.equal(answered.code, 0, `the answering sipp failed:\n${answered.output.slice(-2000)}`);
    } finally {
      answerer.child.kill('SIGKILL');
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }

    const receiver = new DtmfReceiver({ payloadTypes: [96] });
    const notices: DtmfNotice[] = [];
    for (const { bytes, atMs } of arrivals) {
      const parsed = RtpPacket.parse(bytes);
      assert.ok(parsed.ok, 'every datagram sipp sent is RTP');
      notices.push(...receiver.receive(parsed.value, atMs));
    }
    notices.push(...receiver.tick(Number.MAX_SAFE_INTEGER));
    const ends = notices.filter((notice) => notice.kind === 'digit-end');
    assert.equal(ends.map((notice) => notice.digit).join(''), '0123456789*#');
    assert.equal(notices.length, 24, 'one start and one end per key');
    assert.ok(ends.every((notice) => notice.kind === 'digit-end' && notice.ending === 'end-bit' && notice.durationMs === 200));
    assert.ok(receiver.counts.otherPayloadType > 0, "sipp's PT 97 filler was there and ignored");
    assert.equal(receiver.counts.stale, 24, 'two retransmitted ends per key ignored');
  });
});
