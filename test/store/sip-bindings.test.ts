import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTenant } from '../../src/directory/index.js';
import { Store, type SipBinding } from '../../src/store/index.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';

describe('registrar bindings in the store', () => {
  let database: TestDatabase;
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
    database = await testDatabase();
    store = await Store.open({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    tenantId = (await createTenant(store.repos, { slug: 'demo', name: '示范', nameEn: 'Demo' })).id;
    otherTenantId = (await createTenant(store.repos, { slug: 'acme', name: '艾克美', nameEn: 'Acme' })).id;
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

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
});
