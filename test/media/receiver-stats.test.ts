import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReceiverStats } from '../../src/media/index.js';

/** Feeds packets 20 ms (160 units) apart, on time, with the given sequence numbers. */
function feed(stats: ReceiverStats, sequences: readonly number[], startMs = 0): void {
  sequences.forEach((seq, i) => stats.update(seq, (seq * 160) >>> 0, startMs + i * 20));
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (from + i) & 0xffff);
}

describe('receiver statistics (RFC 3550 §6.4.1, A.1, A.3, A.8)', () => {
  it('keeps a new source on probation until two packets arrive in sequence (A.1)', () => {
    const stats = new ReceiverStats(8000);
    assert.equal(stats.update(1000, 1000 * 160, 0), false, 'the first packet is probation');
    assert.equal(stats.snapshot().valid, false);
    assert.equal(stats.update(1001, 1001 * 160, 20), true);
    feed(stats, range(1002, 98), 40);
    const snapshot = stats.snapshot();
    assert.equal(snapshot.valid, true);
    assert.equal(snapshot.extendedHighestSequence, 1099);
    assert.equal(snapshot.received, 99, 'counting starts with the packet that ends probation');
    assert.equal(snapshot.expected, 99);
    assert.equal(snapshot.cumulativeLost, 0);
    assert.equal(snapshot.jitter, 0, 'packets on time have no jitter');
  });

  it('counts lost packets, cumulative and as a fraction per report interval (A.3)', () => {
    const stats = new ReceiverStats(8000);
    // 0..100 with 10 of the 100 after the probation packet missing.
    const missing = new Set([10, 11, 12, 30, 45, 46, 60, 77, 80, 99]);
    feed(stats, range(0, 101).filter((seq) => !missing.has(seq)));
    const first = stats.reportBlock(0xabc, 5000);
    assert.equal(first.ssrc, 0xabc);
    assert.equal(first.extendedHighestSequence, 100);
    assert.equal(first.cumulativeLost, 10);
    assert.equal(first.fractionLost, Math.floor((10 * 256) / 100), '10 % is 25/256');
    feed(stats, range(101, 50), 3000);
    const second = stats.reportBlock(0xabc, 6000);
    assert.equal(second.fractionLost, 0, 'no loss in the second interval');
    assert.equal(second.cumulativeLost, 10, 'the cumulative count stays');
  });

  it('takes reordered packets without counting them lost', () => {
    const stats = new ReceiverStats(8000);
    feed(stats, [1, 2, 3, 5, 4, 6, 9, 7, 8, 10]);
    const snapshot = stats.snapshot();
    assert.equal(snapshot.extendedHighestSequence, 10);
    assert.equal(snapshot.cumulativeLost, 0);
    assert.equal(snapshot.received, 9);
  });

  it('extends the highest sequence number across the wrap at 65535', () => {
    const stats = new ReceiverStats(8000);
    feed(stats, [...range(65530, 6), 0, 1, 2, 4, 3, 5]);
    const snapshot = stats.snapshot();
    assert.equal(snapshot.extendedHighestSequence, 65536 + 5, 'one cycle plus 5');
    assert.equal(snapshot.cumulativeLost, 0);
    assert.equal(stats.reportBlock(1, 0).extendedHighestSequence, 0x0001_0005);
  });

  it('does not count a reordered packet from before the wrap as a new cycle', () => {
    const stats = new ReceiverStats(8000);
    feed(stats, [65533, 65534, 0, 65535, 1, 2]);
    const snapshot = stats.snapshot();
    assert.equal(snapshot.extendedHighestSequence, 65536 + 2);
    assert.equal(snapshot.cumulativeLost, 0);
  });

  it('lets duplicates make the cumulative loss negative, as §6.4.1 allows', () => {
    const stats = new ReceiverStats(8000);
    feed(stats, [1, 2, 3, 3, 3, 4]);
    assert.equal(stats.snapshot().cumulativeLost, -2);
    assert.equal(stats.reportBlock(1, 0).cumulativeLost, -2);
  });

  it('re-syncs after a sender restart: two sequential packets after a very large jump (A.1)', () => {
    const stats = new ReceiverStats(8000);
    feed(stats, range(100, 10));
    assert.equal(stats.update(40000, 0, 1000), false, 'one packet after a large jump is not believed');
    assert.equal(stats.update(40001, 160, 1020), true, 'the next in sequence re-syncs');
    feed(stats, range(40002, 8), 1040);
    const snapshot = stats.snapshot();
    assert.equal(snapshot.extendedHighestSequence, 40009);
    assert.equal(snapshot.received, 9, 're-syncing starts the counts afresh at 40001');
    assert.equal(snapshot.expected, 9);
    assert.equal(snapshot.cumulativeLost, 0);
  });

  it('estimates interarrival jitter (A.8) from arrival times that wobble', () => {
    const stats = new ReceiverStats(8000);
    // Arrivals alternate 5 ms early and 5 ms late: every |D| is 10 ms = 80 timestamp units.
    for (let i = 0; i < 400; i += 1) stats.update(i, i * 160, i * 20 + (i % 2 === 0 ? -5 : 5));
    const snapshot = stats.snapshot();
    assert.ok(Math.abs(snapshot.jitter - 80) <= 1, `jitter ${snapshot.jitter} ≈ 80 units`);
    assert.ok(Math.abs(snapshot.jitterMs - 10) < 0.2, `jitter ${snapshot.jitterMs} ms ≈ 10 ms`);
    // The filter's step, J += (|D| - J)/16, from J = 0 with |D| = 80 for every packet after the first two.
    const one = new ReceiverStats(8000);
    one.update(0, 0, 0);
    one.update(1, 160, 20);
    one.update(2, 320, 50); // 10 ms late
    assert.equal(one.snapshot().jitter, Math.floor(80 / 16));
  });

  it('takes an RTP timestamp wrap in its stride without a jitter spike', () => {
    const stats = new ReceiverStats(8000);
    const start = 0xffffffff - 160 * 5;
    for (let i = 0; i < 20; i += 1) stats.update(i, (start + i * 160) >>> 0, i * 20);
    assert.equal(stats.snapshot().jitter, 0);
  });

  it('fills LSR and DLSR from the last sender report it was told of (§6.4.1)', () => {
    const stats = new ReceiverStats(8000);
    feed(stats, range(0, 5));
    assert.equal(stats.reportBlock(1, 100).lastSenderReport, 0, 'no SR yet: 0');
    stats.senderReportReceived(0x12345678, 0x9abcdef0, 1000);
    const report = stats.reportBlock(1, 1500);
    assert.equal(report.lastSenderReport, 0x56789abc, 'the middle 32 bits of the NTP timestamp');
    assert.equal(report.delaySinceLastSenderReport, 32768, '0.5 s in 1/65536 s');
  });
});
