import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isScanner, SourceGuard, type SecurityEvent, type SourceGuardOptions } from '../../src/sip/protection/source-guard.js';

function guard(overrides: Partial<SourceGuardOptions> = {}) {
  const clock = { now: 0 };
  const events: SecurityEvent[] = [];
  const instance = new SourceGuard({
    requestsPerSecond: 20,
    burst: 40,
    maxAuthFailures: 10,
    maxUnknownUsers: 20,
    windowMs: 60_000,
    coolingMs: 300_000,
    maxSources: 1000,
    now: () => clock.now,
    onBlock: (event) => events.push(event),
    ...overrides,
  });
  return { instance, clock, events };
}

describe('SIP source protection', () => {
  it('lets a normal client through and blocks a flood for the cooling period, with one event', () => {
    const { instance, clock, events } = guard();
    for (let i = 0; i < 200; i++) {
      assert.equal(instance.admit('198.51.100.1:5060'), true);
      clock.now += 100; // 10 requests/s: under the rate
    }
    let admitted = 0;
    for (let i = 0; i < 1000; i++) if (instance.admit('203.0.113.9:5060')) admitted++;
    assert.equal(admitted, 40, 'the burst, then nothing');
    assert.deepEqual(events, [{ source: '203.0.113.9:5060', reason: 'request-flood', until: clock.now + 300_000 }]);
    assert.equal(instance.admit('198.51.100.1:5060'), true, 'others are not affected');
    clock.now += 299_999;
    assert.equal(instance.admit('203.0.113.9:5060'), false);
    clock.now += 1;
    assert.equal(instance.admit('203.0.113.9:5060'), true, 'heard again after cooling');
  });

  it('blocks a source after too many failed authentications within the window', () => {
    const { instance, clock, events } = guard();
    for (let i = 0; i < 10; i++) {
      instance.authFailed('192.0.2.7');
      clock.now += 1000;
    }
    assert.equal(instance.isBlocked('192.0.2.7'), false, 'ten failures are tolerated');
    instance.authFailed('192.0.2.7');
    assert.equal(instance.isBlocked('192.0.2.7'), true);
    assert.equal(events[0]?.reason, 'auth-failures');
    assert.equal(instance.admit('192.0.2.7'), false);
  });

  it('forgets failures older than the window', () => {
    const { instance, clock } = guard();
    for (let i = 0; i < 30; i++) {
      instance.authFailed('192.0.2.8');
      clock.now += 10_000; // six a minute
    }
    assert.equal(instance.isBlocked('192.0.2.8'), false);
  });

  it('blocks a source probing for extensions that do not exist', () => {
    const { instance, events } = guard();
    for (let i = 0; i < 21; i++) instance.unknownUser('192.0.2.9');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.reason, 'unknown-users');
  });

  it('tracks a bounded number of sources', () => {
    const { instance } = guard({ maxSources: 100 });
    for (let i = 0; i < 10_000; i++) instance.admit(`10.0.${i >> 8}.${i & 255}`);
    for (let i = 0; i < 11; i++) instance.authFailed('192.0.2.10');
    assert.equal(instance.isBlocked('192.0.2.10'), true, 'a recent source is still tracked');
  });

  it("never limits a trusted source: a carrier sends every caller's calls from one address", () => {
    const { instance, events } = guard({ trusted: (source) => source === '198.51.100.20' });
    for (let i = 0; i < 1000; i++) assert.equal(instance.admit('198.51.100.20'), true);
    for (let i = 0; i < 100; i++) {
      instance.authFailed('198.51.100.20');
      instance.unknownUser('198.51.100.20');
    }
    assert.equal(instance.admit('198.51.100.20'), true);
    assert.deepEqual(events, []);
    for (let i = 0; i < 1000; i++) instance.admit('198.51.100.21');
    assert.equal(events.length, 1, 'its neighbour is limited as usual');
  });

  it('knows the user agents of common scanners', () => {
    for (const agent of ['friendly-scanner', 'sipvicious', 'sipcli/v1.8', 'VaxSIPUserAgent/3.1', 'sundayddr']) assert.equal(isScanner(agent), true, agent);
    for (const agent of [undefined, 'baresip v1.0.0', 'Linphone/5.0', 'Yealink SIP-T46S', 'sipp']) assert.equal(isScanner(agent), false, String(agent));
  });
});
