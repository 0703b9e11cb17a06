/**
 * The SIP settings reach the running node: parse limits (KEFU_SIP_MAX_*) turn an over-size
 * request into 513 or 400 and the node keeps serving, and timer T1/T2 (KEFU_SIP_T1_MS, …) drive
 * the retransmissions of a final response until Timer H.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, KefuNode, projectRoot, within } from './kefu-node.js';

let sequence = 0;

/** A request from 127.0.0.1:`port` with a fresh branch and Call-ID, and `extra` header lines. */
function request(method: 'OPTIONS' | 'INVITE', target: string, port: number, extra: string[] = []): Buffer {
  const id = `settings-${process.pid}-${++sequence}`;
  return Buffer.from(
    [
      `${method} sip:${target}@127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-${id};rport`,
      `From: <sip:probe@127.0.0.1>;tag=${id}`,
      `To: <sip:${target}@127.0.0.1>`,
      `Call-ID: ${id}`,
      `CSeq: 1 ${method}`,
      'Max-Forwards: 70',
      `Contact: <sip:probe@127.0.0.1:${port}>`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

/** A UDP peer that keeps every datagram it receives, with its arrival time. */
class UdpPeer {
  readonly received: { at: number; text: string }[] = [];
  private constructor(readonly socket: UdpSocket) {
    socket.on('message', (bytes) => this.received.push({ at: Date.now(), text: bytes.toString('latin1') }));
  }

  static async open(): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends `bytes` and waits (bounded) for the next answer to it. */
  async ask(bytes: Buffer, to: number): Promise<string> {
    const before = this.received.length;
    this.socket.send(bytes, to, '127.0.0.1');
    return within(5000, 'an answer over UDP', this.next(before));
  }

  private async next(index: number): Promise<string> {
    while (this.received.length <= index) await new Promise((resolve) => setTimeout(resolve, 10));
    return (this.received[index] as { text: string }).text;
  }
}

describe('SIP settings in a running node', () => {
  let database: TestDatabase;
  let node: KefuNode;
  let peer: UdpPeer;

  before(async () => {
    buildDist();
    database = await testDatabase();
    node = await KefuNode.start(
      {
        KEFU_DATA_DIR: database.dataDir,
        DATABASE_URL: database.databaseUrl,
        KEFU_DEMO_PASSWORD: 'demo-secret-1',
        KEFU_LOG_LEVEL: 'warn',
        KEFU_SIP_MAX_MESSAGE_BYTES: '2048',
        KEFU_SIP_MAX_HEADERS: '32',
        KEFU_SIP_MAX_LINE: '512',
        KEFU_SIP_T1_MS: '50',
        KEFU_SIP_T2_MS: '200',
      },
      projectRoot,
    );
    await node.ready();
    peer = await UdpPeer.open();
  });
  after(async () => {
    peer.socket.close();
    await node.stop('SIGKILL');
    await database.drop();
  });

  it('a request over KEFU_SIP_MAX_MESSAGE_BYTES gets 513, and the next one is served', async () => {
    // Six 400-character headers: every line and the header count within their limits, the whole over 2048 bytes.
    const padding = Array.from({ length: 6 }, (_, i) => `X-Pad-${i}: ${'a'.repeat(400)}`);
    assert.match(await peer.ask(request('OPTIONS', 'kefu', peer.port, padding), node.sipPort), /^SIP\/2\.0 513 /);
    assert.match(await peer.ask(request('OPTIONS', 'kefu', peer.port), node.sipPort), /^SIP\/2\.0 200 /);
  });

  it('more header fields than KEFU_SIP_MAX_HEADERS, or a line over KEFU_SIP_MAX_LINE, gets 400', async () => {
    const many = Array.from({ length: 30 }, (_, i) => `X-H${i}: ${i}`);
    assert.match(await peer.ask(request('OPTIONS', 'kefu', peer.port, many), node.sipPort), /^SIP\/2\.0 400 [^\r]*\r\n[^]*Warning: [^\r]*too many header fields/);
    const long = [`X-Long: ${'b'.repeat(600)}`];
    assert.match(await peer.ask(request('OPTIONS', 'kefu', peer.port, long), node.sipPort), /^SIP\/2\.0 400 [^\r]*\r\n[^]*Warning: [^\r]*line exceeds the length limit/);
    assert.match(await peer.ask(request('OPTIONS', 'kefu', peer.port), node.sipPort), /^SIP\/2\.0 200 /);
  });

  it('over TCP an over-size message closes its connection; a new connection is served', async () => {
    const padding = Array.from({ length: 6 }, (_, i) => `X-Pad-${i}: ${'a'.repeat(400)}`);
    const oversize = new Socket();
    oversize.on('error', () => undefined);
    await new Promise<void>((resolve) => oversize.connect(node.sipPort, '127.0.0.1', resolve));
    const closed = new Promise<void>((resolve) => oversize.once('close', () => resolve()));
    oversize.write(Buffer.from(request('OPTIONS', 'kefu', 9, padding).toString().replace('SIP/2.0/UDP', 'SIP/2.0/TCP')));
    await within(5000, 'the server to close the connection', closed);

    const fine = new Socket();
    let answer = '';
    fine.on('data', (bytes) => (answer += bytes.toString('latin1')));
    await new Promise<void>((resolve) => fine.connect(node.sipPort, '127.0.0.1', resolve));
    fine.write(Buffer.from(request('OPTIONS', 'kefu', 9).toString().replace('SIP/2.0/UDP', 'SIP/2.0/TCP')));
    await within(5000, 'OPTIONS answered over TCP', (async () => {
      while (!answer.includes('\r\n\r\n')) await new Promise((resolve) => setTimeout(resolve, 10));
    })());
    fine.destroy();
    assert.match(answer, /^SIP\/2\.0 200 /);
  });

  it('KEFU_SIP_T1_MS/T2_MS: an unacknowledged final response is resent from T1 up to T2 and stops at Timer H (64·T1)', async () => {
    // Agent 1002's extension is known and nobody answers it yet, so its INVITE gets 480.
    const invite = request('INVITE', '1002', peer.port);
    const first = Date.now();
    peer.socket.send(invite, node.sipPort, '127.0.0.1');
    // RFC 3261 §17.2.1: Timer H = 64·T1 = 3.2 s here (32 s by default); then the transaction ends.
    await new Promise((resolve) => setTimeout(resolve, 64 * 50 + 1500));
    const finals = peer.received.filter((r) => r.at >= first && /^SIP\/2\.0 480 /.test(r.text));
    // Timer G: resent after 50, 100, 200, 200, … ms until H: about twenty copies. With the default
    // T1 of 500 ms at most five would have come by now, and they would still be coming.
    assert.ok(finals.length >= 12, `480 sent ${finals.length} times, at ${finals.map((r) => r.at - first).join(", ")} ms`);
    const last = finals.at(-1)?.at ?? first;
    assert.ok(Date.now() - last > 800, 'no copies after Timer H');
  });
});
