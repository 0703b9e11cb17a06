import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Store, type SipBinding } from '../../src/store/index.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('registrar bindings in the store', () => {
  let test: TestStore;
  let store: Store;
  let tenantId: string;
  let otherTenantId: string;
  const at = (iso: string) => new Date(iso);
  const binding = (contact: string, expiresAt: string, q: number | null = null): SipBinding => ({
    aor: '1001',
    contact,
    expiresAt: at(expiresAt),
    q,
    callId: 'c1',
    cseq: 4_000_000_000,
    source: 'udp:127.0.0.1:5062',
    userAgent: 'baresip',
  });

  before(async () => {
    test = await testStore('demo', 'acme');
    store = test.store;
    [tenantId, otherTenantId] = test.tenants.map((tenant) => tenant.id) as [string, string];
  });
  after(() => test.close());

  it('keeps, refreshes and lists live bindings best q first, per tenant', async () => {
    const bindings = store.repos.sipBindings;
    await bindings.upsert(tenantId, binding('sip:1001@127.0.0.1:5062', '2026-11-22T10:00:00Z'));
    await bindings.upsert(tenantId, binding('sip:1001@10.0.0.5', '2026-11-22T10:00:00Z', 0.9));
    await bindings.upsert(tenantId, { ...binding('sip:1001@127.0.0.1:5062', '2026-11-22T11:00:00Z'), cseq: 4_000_000_001 });
    await bindings.upsert(otherTenantId, binding('sip:1001@192.0.2.1', '2026-11-22T10:00:00Z'));

    const live = await bindings.live(tenantId, '1001', at('2026-11-22T09:00:00Z'));
    assert.deepEqual(live.map((b) => [b.contact, b.q]), [['sip:1001@10.0.0.5', 0.9], ['sip:1001@127.0.0.1:5062', null]]);
    assert.equal(live[1]?.cseq, 4_000_000_001, 'CSeq beyond 2^31 survives');
    assert.equal(live[1]?.expiresAt.toISOString(), '2026-11-22T11:00:00.000Z');

    assert.deepEqual(
      (await bindings.live(tenantId, '1001', at('2026-11-22T10:30:00Z'))).map((b) => b.contact),
      ['sip:1001@127.0.0.1:5062'],
      'expired bindings are not live',
    );
    assert.equal(await bindings.removeExpired(at('2026-11-22T10:30:00Z')), 2);
    await bindings.remove(tenantId, '1001', 'sip:1001@127.0.0.1:5062');
    assert.deepEqual(await bindings.live(tenantId, '1001', at('2026-11-22T09:00:00Z')), []);
  });

  it('upsertAndList writes a binding and lists the live ones in one step, refusing an older CSeq of the same Call-ID', async () => {
    const bindings = store.repos.sipBindings;
    const now = at('2026-12-05T09:00:00Z');
    const aor = '2002';
    await bindings.upsert(tenantId, { ...binding('sip:2002@10.0.0.9', '2026-12-05T10:00:00Z', 0.5), aor, callId: 'desk', cseq: 1 });
    await bindings.upsert(tenantId, { ...binding('sip:2002@10.0.0.8', '2026-12-05T08:00:00Z'), aor, callId: 'gone', cseq: 1 });
    const phone = { ...binding('sip:2002@127.0.0.1:5070', '2026-12-05T10:00:00Z', 0.9), aor, callId: 'phone', cseq: 7 };

    const after = await bindings.upsertAndList(tenantId, phone, now);
    assert.deepEqual(after?.map((b) => [b.contact, b.q, b.cseq]), [['sip:2002@127.0.0.1:5070', 0.9, 7], ['sip:2002@10.0.0.9', 0.5, 1]], 'live ones only, best q first');
    assert.equal(after?.[0]?.expiresAt.toISOString(), '2026-12-05T10:00:00.000Z');

    assert.equal(await bindings.upsertAndList(tenantId, { ...phone, cseq: 7, expiresAt: at('2026-12-05T11:00:00Z') }, now), undefined, 'a repeated CSeq');
    assert.equal(await bindings.upsertAndList(tenantId, { ...phone, cseq: 6, expiresAt: at('2026-12-05T11:00:00Z') }, now), undefined, 'an older CSeq');
    const stored = (await bindings.live(tenantId, aor, now)).find((b) => b.contact === phone.contact);
    assert.equal(stored?.expiresAt.toISOString(), '2026-12-05T10:00:00.000Z', 'a refused request changes nothing');

    assert.equal((await bindings.upsertAndList(tenantId, { ...phone, callId: 'rebooted', cseq: 1 }, now))?.[0]?.callId, 'rebooted', 'another Call-ID may replace it');
    const later = at('2026-12-05T10:30:00Z');
    const again = await bindings.upsertAndList(tenantId, { ...phone, callId: 'rebooted', cseq: 1, expiresAt: at('2026-12-05T12:00:00Z') }, later);
    assert.deepEqual(again?.map((b) => b.contact), ['sip:2002@127.0.0.1:5070'], 'an expired binding no longer holds its CSeq');
    assert.equal((await bindings.upsertAndList(otherTenantId, { ...phone, cseq: 1 }, now))?.length, 1, 'another tenant’s address is its own');
  });

  it('locked runs a read and its writes as one: concurrent changes to one address take turns', async () => {
    const bindings = store.repos.sipBindings;
    const now = at('2026-12-05T09:00:00Z');
    // Each change reads how many bindings there are and adds the next: interleaved, two would add the same.
    const addNext = () =>
      bindings.locked(tenantId, '3003', async (locked) => {
        const count = (await locked.live(tenantId, '3003', now)).length;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await locked.upsert(tenantId, { ...binding(`sip:3003@10.0.0.${count}`, '2026-12-05T10:00:00Z'), aor: '3003' });
      });
    await Promise.all(Array.from({ length: 6 }, addNext));
    assert.equal((await bindings.live(tenantId, '3003', now)).length, 6);
    await store.transaction((repos) => repos.sipBindings.locked(tenantId, '3003', (locked) => locked.remove(tenantId, '3003', 'sip:3003@10.0.0.0')));
    assert.equal((await bindings.live(tenantId, '3003', now)).length, 5, 'inside a transaction it joins it');
  });
});
