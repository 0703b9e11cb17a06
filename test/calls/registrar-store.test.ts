import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DirectoryAccounts } from '../../src/calls/index.js';
import { StoreLocation } from '../../src/calls/store-location.js';
import { Registrar, type RegisterRequest } from '../../src/sip/index.js';
import { Store } from '../../src/store/index.js';
import { testStore, type TestStore } from '../helpers/store.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { startSipServer } from '../helpers/sip-server.js';

describe('the registrar over the database', () => {
  let test: TestStore;
  let store: Store;
  let tenantId: string;
  const now = Date.UTC(2026, 11, 5, 9);

  before(async () => {
    test = await testStore('demo');
    store = test.store;
    tenantId = test.tenants[0]!.id;
  });
  after(() => test.close());

  it('REGISTERs for one address that arrive together cannot let an older CSeq overwrite a newer one (RFC 3261 §10.3 step 7)', async () => {
    const registrar = new Registrar(new StoreLocation(store.repos, tenantId), { defaultExpires: 3600, minExpires: 60, maxExpires: 7200, now: () => now });
    const request = (cseq: number): RegisterRequest => ({
      aor: '1001',
      // Some with one Contact (one statement), some with two (a transaction).
      contacts: cseq % 3 === 0 ? [{ uri: 'sip:1001@10.0.0.1' }, { uri: 'sip:1001@10.0.0.2' }] : [{ uri: 'sip:1001@10.0.0.1' }],
      expires: 600 + cseq,
      callId: 'one-phone',
      cseq,
      source: 'udp:10.0.0.1:5060',
    });
    // The newest first, the rest after it while it is still being written.
    const outcomes = await Promise.all([21, ...Array.from({ length: 20 }, (_, i) => i + 1)].map((cseq) => registrar.register(request(cseq))));
    assert.ok(outcomes.every((o) => o.status === 200 || o.status === 500), JSON.stringify(outcomes));
    const stored = await store.repos.sipBindings.live(tenantId, '1001', new Date(now));
    assert.deepEqual(stored.map((b) => [b.contact, b.cseq]), [['sip:1001@10.0.0.1', 21], ['sip:1001@10.0.0.2', 21]]);
    assert.ok(outcomes.slice(1).every((o) => o.status === 500), 'each older one refused');
  });

  it('the SIP server removes expired bindings from the database every sweepMs', async () => {
    const clock = new FakeTimers();
    clock.now = now;
    const repos = store.repos;
    const row = (contact: string, expiresAt: number) => ({ aor: '1002', contact, expiresAt: new Date(expiresAt), q: null, callId: contact, cseq: 1, source: 'udp:10.0.0.3:5060', userAgent: null });
    await repos.sipBindings.upsert(tenantId, row('sip:1002@10.0.0.3', now - 1000));
    await repos.sipBindings.upsert(tenantId, row('sip:1002@10.0.0.4', now + 30_000));
    await repos.sipBindings.upsert(tenantId, row('sip:1002@10.0.0.5', now + 3_600_000));
    const contacts = async () =>
      (await store.db.selectFrom('sipBindings').select('contact').where('aor', '=', '1002').orderBy('contact').execute()).map((r) => r.contact);

    const sip = await startSipServer({ onInvite: (_request, _transaction, respond) => respond(480) }, { clock, now: () => clock.now, accounts: new DirectoryAccounts(repos, 'demo') });
    try {
      assert.equal(clock.pending, 1, 'a sweep is scheduled');
      clock.advance(60_000);
      await waitFor(async () => (await contacts()).length === 1);
      assert.deepEqual(await contacts(), ['sip:1002@10.0.0.5'], 'both expired rows are gone, the live one stays');
      assert.equal(clock.pending, 1, 'and the next sweep is scheduled');
    } finally {
      await sip.close();
    }
    assert.equal(clock.pending, 0, 'closing the server stops the sweeps');
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met');
}
