import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registrar, type RegisterRequest } from '../../src/sip/registrar/registrar.js';
import { MemoryLocation } from '../helpers/memory-location.js';

function setup() {
  const clock = { now: 1_000_000 };
  const location = new MemoryLocation();
  const registrar = new Registrar(location, { defaultExpires: 3600, minExpires: 60, maxExpires: 7200, now: () => clock.now });
  let cseq = 1;
  const request = (overrides: Partial<RegisterRequest>): RegisterRequest => ({
    aor: 'sip:1001@demo',
    contacts: [],
    callId: 'call-a',
    cseq: cseq++,
    source: 'udp:127.0.0.1:5062',
    ...overrides,
  });
  return { clock, location, registrar, request };
}

describe('registrar (RFC 3261 §10.3)', () => {
  it('binds contacts with the expiry asked, the default, or the maximum, and lists them all', async () => {
    const { registrar, request } = setup();
    const first = await registrar.register(request({ contacts: [{ uri: 'sip:1001@127.0.0.1:5062', expires: 600 }] }));
    assert.deepEqual(first, { status: 200, contacts: [{ uri: 'sip:1001@127.0.0.1:5062', expires: 600, q: null }] });
    const second = await registrar.register(
      request({ callId: 'call-b', contacts: [{ uri: 'sip:1001@10.0.0.5:5060', q: 0.8 }, { uri: 'sip:1001@10.0.0.6', expires: 99_999 }] }),
    );
    assert.equal(second.status, 200);
    assert.deepEqual(second.status === 200 && second.contacts, [
      { uri: 'sip:1001@10.0.0.5:5060', expires: 3600, q: 0.8 },
      { uri: 'sip:1001@127.0.0.1:5062', expires: 600, q: null },
      { uri: 'sip:1001@10.0.0.6', expires: 7200, q: null },
    ]);
  });

  it('a query (no Contact) lists the bindings and changes nothing', async () => {
    const { registrar, request } = setup();
    await registrar.register(request({ contacts: [{ uri: 'sip:1001@127.0.0.1:5062' }], expires: 300 }));
    assert.deepEqual(await registrar.register(request({})), { status: 200, contacts: [{ uri: 'sip:1001@127.0.0.1:5062', expires: 300, q: null }] });
  });

  it('bindings expire, and expires=0 removes one', async () => {
    const { registrar, request, clock } = setup();
    await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1', expires: 120 }, { uri: 'sip:b@1.1.1.1', expires: 600 }] }));
    clock.now += 121_000;
    const listed = await registrar.register(request({}));
    assert.deepEqual(listed.status === 200 && listed.contacts.map((c) => c.uri), ['sip:b@1.1.1.1']);
    const removed = await registrar.register(request({ contacts: [{ uri: 'sip:b@1.1.1.1' }], expires: 0 }));
    assert.deepEqual(removed, { status: 200, contacts: [] });
  });

  it('MUST answer 423 with Min-Expires to a too-brief registration, and 400 to nonsense', async () => {
    const { registrar, request } = setup();
    assert.deepEqual(await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1', expires: 30 }] })), { status: 423, minExpires: 60 });
    assert.equal((await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1', expires: -1 }] }))).status, 400);
    assert.equal((await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1', q: 1.5 }] }))).status, 400);
  });

  it('Contact: * with Expires: 0 removes every binding; without Expires: 0 it is a 400', async () => {
    const { registrar, request } = setup();
    await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1' }, { uri: 'sip:b@1.1.1.1' }] }));
    assert.equal((await registrar.register(request({ contacts: '*' }))).status, 400);
    assert.deepEqual(await registrar.register(request({ contacts: '*', expires: 0, callId: 'other' })), { status: 200, contacts: [] });
  });

  it('MUST refuse a REGISTER older than the binding from the same Call-ID, changing nothing', async () => {
    const { registrar, request } = setup();
    await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1' }], cseq: 10 }));
    const stale = await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1' }, { uri: 'sip:c@1.1.1.1' }], expires: 0, cseq: 9 }));
    assert.equal(stale.status, 500);
    const listed = await registrar.register(request({ cseq: 11 }));
    assert.deepEqual(listed.status === 200 && listed.contacts.map((c) => c.uri), ['sip:a@1.1.1.1'], 'nothing of the refused request applied');
    const fromAnotherCall = await registrar.register(request({ contacts: [{ uri: 'sip:a@1.1.1.1' }], expires: 0, callId: 'restarted-phone', cseq: 1 }));
    assert.deepEqual(fromAnotherCall, { status: 200, contacts: [] }, 'another Call-ID (a restarted phone) may replace it');
  });
});
