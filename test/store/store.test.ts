import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTenant } from '../../src/directory/index.js';
import { Store } from '../../src/store/index.js';
import { testDatabase } from '../helpers/database.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('store', () => {
  let test: TestStore;
  let store: Store;

  before(async () => {
    test = await testStore();
    store = test.store;
  });
  after(() => test.close());

  it('runs its migrations once and keeps the data when opened again', async () => {
    await createTenant(store.repos, { slug: 'reopen', name: '重开', nameEn: 'Reopen' });
    store = await test.reopen();
    assert.equal((await store.repos.tenants.bySlug('reopen'))?.nameEn, 'Reopen');
  });

  it('a transaction that fails leaves nothing behind', async () => {
    await assert.rejects(
      store.transaction(async (repos) => {
        await createTenant(repos, { slug: 'half-done', name: '半', nameEn: 'Half' });
        throw new Error('stop here');
      }),
      /stop here/,
    );
    assert.equal(await store.repos.tenants.bySlug('half-done'), undefined);
  });

  it('concurrent transactions do not see or break each other', async () => {
    const tenant = await createTenant(store.repos, { slug: 'busy', name: '忙', nameEn: 'Busy' });
    const customer = await store.repos.customers.create(tenant.id, { name: 'Counter', notes: '0' });
    const bump = () =>
      store.transaction(async (repos) => {
        const current = await repos.customers.get(tenant.id, customer.id);
        assert.ok(current);
        return repos.customers.update(tenant.id, customer.id, current.version, { notes: String(Number(current.notes) + 1) });
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, bump));
    const done = results.filter((r) => r.status === 'fulfilled').length;
    const stale = results.filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'ERR_STALE_VERSION').length;
    assert.equal(done + stale, 8, 'every attempt either lands or is refused as stale');
    const final = await store.repos.customers.get(tenant.id, customer.id);
    assert.equal(Number(final?.notes), done, 'no update was lost');
    assert.equal(final?.version, done + 1);
  });

  it('answers a ping, and a closed store does not', async () => {
    await store.ping();
    const other = await testDatabase();
    const closed = await Store.open({ databaseUrl: other.databaseUrl, dataDir: other.dataDir });
    await closed.close();
    await assert.rejects(closed.ping());
    await other.drop();
  });
});
