import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { TrustedSources } from '../../src/calls/index.js';
import { DuplicateError, NotFoundError, StaleVersionError } from '../../src/errors.js';
import { Store } from '../../src/store/index.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('trunks in the store', () => {
  let test: TestStore;
  let store: Store;
  let demo: string;
  let acme: string;
  const page = { limit: 50, offset: 0 };

  before(async () => {
    test = await testStore('demo', 'acme');
    store = test.store;
    [demo, acme] = test.tenants.map((tenant) => tenant.id) as [string, string];
  });
  after(() => test.close());

  it('one tenant cannot see or change another\'s trunks; the shared ones are seen by all and changed only as shared', async () => {
    const trunks = store.repos.trunks;
    const own = await trunks.create(demo, { name: 'telecom', host: '192.0.2.1', username: 'demo', password: 'secret', routes: [{ prefix: '0', strip: 0, prepend: '' }] });
    assert.deepEqual([own.port, own.transport, own.callerId, own.enabled, own.tenantId], [5060, 'udp', 'tenant', true, demo]);
    assert.deepEqual(own.routes, [{ prefix: '0', strip: 0, prepend: '' }]);
    const shared = await trunks.create(null, { name: 'platform-carrier', host: '192.0.2.9' });
    assert.equal(shared.tenantId, null);

    assert.deepEqual((await trunks.list(acme, {}, page)).items.map((t) => t.name), ['platform-carrier']);
    assert.deepEqual((await trunks.list(demo, {}, page)).items.map((t) => t.name), ['telecom', 'platform-carrier']);
    assert.equal(await trunks.get(acme, own.id), undefined);
    assert.equal((await trunks.get(acme, shared.id))?.name, 'platform-carrier');
    await assert.rejects(trunks.update(acme, own.id, own.version, { host: '198.51.100.1' }), NotFoundError);
    await assert.rejects(trunks.update(acme, shared.id, shared.version, { host: '198.51.100.1' }), NotFoundError, 'a tenant cannot change a shared trunk');
    assert.equal(await trunks.remove(acme, own.id), undefined);
    assert.equal(await trunks.remove(demo, shared.id), undefined);

    const changed = await trunks.update(null, shared.id, shared.version, { maxCalls: 30 });
    assert.deepEqual([changed.maxCalls, changed.version], [30, 2]);
    await assert.rejects(trunks.update(null, shared.id, 1, { maxCalls: 10 }), StaleVersionError);
    await trunks.remove(null, shared.id);
    await trunks.remove(demo, own.id);
  });

  it('tries a tenant\'s enabled trunks first, by priority, then the shared ones', async () => {
    const trunks = store.repos.trunks;
    await trunks.create(null, { name: 'shared-a', host: '192.0.2.20', priority: 1 });
    await trunks.create(demo, { name: 'backup', host: '192.0.2.21', priority: 200 });
    await trunks.create(demo, { name: 'main', host: '192.0.2.22', priority: 10 });
    await trunks.create(demo, { name: 'off', host: '192.0.2.23', priority: 1, enabled: false });
    await trunks.create(acme, { name: 'acme-own', host: '192.0.2.24' });
    assert.deepEqual((await trunks.usable(demo)).map((t) => t.name), ['main', 'backup', 'shared-a']);
    assert.deepEqual((await trunks.usable(acme)).map((t) => t.name), ['acme-own', 'shared-a']);
  });

  it('the enabled trunks of every tenant are trusted SIP sources, beside the configured subnets', async () => {
    assert.deepEqual(await store.repos.trunks.hosts(), ['192.0.2.20', '192.0.2.21', '192.0.2.22', '192.0.2.24']);
    const trusted = new TrustedSources(['198.51.100.0/24', '2001:db8::1'], () => store.repos.trunks.hosts());
    assert.equal(trusted.has('192.0.2.22'), false, 'not before the trunks are read');
    await trusted.refresh();
    for (const address of ['192.0.2.22', '::ffff:192.0.2.24', '198.51.100.77', '2001:db8::1']) assert.equal(trusted.has(address), true, address);
    for (const address of ['192.0.2.23', '203.0.113.1', '2001:db8::2', 'not-an-address']) assert.equal(trusted.has(address), false, address);
  });

  it('names are unique per tenant and among the shared trunks, and a clash names the field', async () => {
    const trunks = store.repos.trunks;
    await trunks.create(acme, { name: 'main', host: '192.0.2.30' });
    await trunks.create(null, { name: 'twin', host: '192.0.2.31' });
    const clash = await trunks.create(null, { name: 'twin', host: '192.0.2.32' }).catch((error: unknown) => error);
    assert.ok(clash instanceof DuplicateError);
    assert.deepEqual(clash.details, [{ path: 'name', message: 'a trunk with this name exists' }]);
    await assert.rejects(trunks.create(demo, { name: 'main', host: '192.0.2.33' }), DuplicateError);
  });

  it('a database that got 0007 before 0006 existed gets 0006 at its next start', async () => {
    const trunks = await store.repos.trunks.list(demo, {}, page);
    assert.ok(trunks.total > 0);
    await sql`drop table trunks`.execute(store.db);
    await sql`delete from kysely_migration where name = '0006-trunks'`.execute(store.db);
    store = await test.reopen();
    assert.equal((await store.repos.trunks.list(demo, {}, page)).total, 0);
    const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    assert.ok(names.rows.some((r) => r.name === '0006-trunks') && names.rows.some((r) => r.name === '0007-call-legs'));
  });
});
