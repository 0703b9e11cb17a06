import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { SparePorts } from '../../../src/media/engine/spare-ports.js';
import { PortRange } from '../../../src/media/session/port-range.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('spare RTP ports', () => {
  it('a worker keeps ports bound ahead; one taken is a bound socket of the range, and another is parked in its place', async () => {
    const range = new PortRange(44000, 44099, '127.0.0.1');
    const parks: Promise<number>[] = [];
    const spares = new SparePorts(
      1,
      () => {
        parks.push(range.park());
        return parks.at(-1)!;
      },
      3,
    );
    spares.fill(0);
    await Promise.all(parks);
    const port = spares.take(0);
    assert.ok(port !== undefined && port >= 44000 && port <= 44099 && port % 2 === 0, `port ${port}`);
    const bound = range.take(port);
    assert.ok(bound !== undefined, 'the port was parked in the range');
    assert.equal(range.take(port), undefined, 'a parked port is taken once');
    const heard = new Promise<Buffer>((resolve) => bound.socket.once('message', resolve));
    const peer = createSocket('udp4');
    peer.send(Buffer.from('rtp'), port, '127.0.0.1');
    assert.equal((await heard).toString(), 'rtp');
    peer.close();
    bound.socket.close();
    await Promise.all(parks);
    const next = [spares.take(0), spares.take(0), spares.take(0)];
    assert.ok(next.every((p) => p !== undefined && p !== port), `three spares again: ${next.join(' ')}`);
    await Promise.all(parks);
    range.closeParked();
  });

  it('ports parked on a worker that died are not handed out, nor are its late answers', async () => {
    let answer: (port: number) => void = () => undefined;
    const spares = new SparePorts(2, (worker) => (worker === 0 ? new Promise<number>((resolve) => (answer = resolve)) : Promise.resolve(50_000)), 1);
    spares.fill(0);
    spares.fill(1);
    await settle();
    spares.lost(0);
    answer(40_000);
    await settle();
    assert.equal(spares.take(0), undefined, 'the dead worker has none');
    assert.equal(spares.take(1), 50_000, 'the other keeps its own');
  });

  it('a worker that cannot park keeps none, and its sessions bind ports as they come', async () => {
    const spares = new SparePorts(1, () => Promise.reject(new Error('every port is taken')), 2);
    spares.fill(0);
    await settle();
    assert.equal(spares.take(0), undefined);
  });
});
