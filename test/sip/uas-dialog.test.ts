import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import type { Dialog, SipServer } from '../../src/sip/index.js';
import { startSipServer } from '../helpers/sip-server.js';
import { FakeTimers } from '../helpers/fake-timers.js';

/** A UDP peer written by hand: every byte it sends is in the test. */
class Peer {
  readonly received: string[] = [];
  #waiters: (() => void)[] = [];
  private constructor(readonly socket: Socket) {
    socket.on('message', (bytes) => {
      this.received.push(bytes.toString());
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }
  static async open(): Promise<Peer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Peer(socket);
  }
  get port(): number {
    return this.socket.address().port;
  }
  send(text: string, port: number): void {
    this.socket.send(Buffer.from(text.replaceAll('\n', '\r\n')), port, '127.0.0.1');
  }
  /** Waits (bounded) until `count` messages have arrived in all. */
  async until(count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.received.length} of ${count} messages arrived:\n${this.received.join('\n---\n')}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
  statuses(): number[] {
    return this.received.map((m) => Number(/^SIP\/2\.0 (\d{3})/.exec(m)?.[1] ?? 0));
  }
}

function request(method: string, peer: Peer, { branch, cseq = 1, toTag }: { branch: string; cseq?: number; toTag?: string }): string {
  return [
    `${method} sip:12345@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport`,
    'From: <sip:caller@127.0.0.1>;tag=caller-tag',
    `To: <sip:12345@127.0.0.1>${toTag ? `;tag=${toTag}` : ''}`,
    'Call-ID: dialog-test-1',
    `CSeq: ${cseq} ${method}`,
    `Contact: <sip:caller@127.0.0.1:${peer.port}>`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\n');
}

describe('UAS dialogs (RFC 3261 §12, §13.3.1.4)', () => {
  const timers = new FakeTimers();
  const ended: [string, string][] = [];
  let acks = 0;
  let server: SipServer;
  let peer: Peer;

  before(async () => {
    server = await startSipServer(
      {
        onInvite: (_request, _transaction, respond) => respond(200),
        onAck: () => acks++,
        onEnd: (dialog: Dialog, reason) => ended.push([dialog.callId, reason]),
      },
      { clock: timers, now: () => timers.now },
    );
    peer = await Peer.open();
  });
  after(async () => {
    peer.socket.close();
    await server.close();
  });

  it('MUST retransmit the 2xx, T1 doubling, until the ACK; then BYE ends the dialog', async () => {
    peer.send(request('INVITE', peer, { branch: 'z9hG4bK-inv1' }), server.port);
    await peer.until(2);
    assert.deepEqual(peer.statuses(), [100, 200]);
    const toTag = /To: .*;tag=([\w-]+)/.exec(peer.received[1] as string)?.[1] as string;
    assert.match(peer.received[1] as string, /Contact: <sip:kefu@127\.0\.0\.1:\d+>/);
    timers.advance(500);
    await peer.until(3);
    timers.advance(1000);
    await peer.until(4);
    assert.deepEqual(peer.statuses(), [100, 200, 200, 200], 'at T1 and 2·T1');
    peer.send(request('ACK', peer, { branch: 'z9hG4bK-ack1', toTag }), server.port);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(acks, 1);
    timers.advance(10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(peer.received.length, 4, 'no 2xx after the ACK');

    peer.send(request('BYE', peer, { branch: 'z9hG4bK-bye1', cseq: 2, toTag }), server.port);
    await peer.until(5);
    assert.equal(peer.statuses()[4], 200);
    assert.deepEqual(ended, [['dialog-test-1', 'bye']]);
    peer.send(request('BYE', peer, { branch: 'z9hG4bK-bye2', cseq: 3, toTag }), server.port);
    await peer.until(6);
    assert.equal(peer.statuses()[5], 481, 'the dialog is gone');
  });

  it('ends the dialog when no ACK comes within 64·T1', async () => {
    peer.received.length = 0;
    peer.send(request('INVITE', peer, { branch: 'z9hG4bK-inv2' }).replace('dialog-test-1', 'dialog-test-2'), server.port);
    await peer.until(2);
    timers.advance(64 * 500);
    assert.deepEqual(ended.at(-1), ['dialog-test-2', 'no-ack']);
  });

  it('answers a request with a lower CSeq inside the dialog with 500', async () => {
    // A peer of its own: the previous test's 2xx retransmissions still travel to the old one.
    const caller = await Peer.open();
    try {
      caller.send(request('INVITE', caller, { branch: 'z9hG4bK-inv3', cseq: 10 }).replace('dialog-test-1', 'dialog-test-3'), server.port);
      await caller.until(2);
      const toTag = /To: .*;tag=([\w-]+)/.exec(caller.received[1] as string)?.[1] as string;
      caller.send(request('BYE', caller, { branch: 'z9hG4bK-bye3', cseq: 5, toTag }).replace('dialog-test-1', 'dialog-test-3'), server.port);
      await caller.until(3);
      assert.equal(caller.statuses()[2], 500);
    } finally {
      caller.socket.close();
    }
  });
});
