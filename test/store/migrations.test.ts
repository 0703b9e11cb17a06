import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Migration } from 'kysely';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { migrate, Store } from '../../src/store/store.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('migrations', () => {
  let test: TestStore;
  let store: Store;

  before(async () => {
    test = await testStore();
    store = test.store;
  });
  after(() => test.close());

  it('applies a migration numbered below ones already run (0006 landing after 0008), keeping the database', async () => {
    const late: Migration = { up: async (db) => void (await sql`create table late_arrival (id integer primary key)`.execute(db)) };
    const released = await migrationProvider.getMigrations();
    await migrate(store.db, { getMigrations: async () => ({ ...released, '0006-late-arrival': late }) });
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    assert.ok(rows.some((r) => r.name === '0006-late-arrival'));
    await sql`insert into late_arrival (id) values (1)`.execute(store.db);
    // The next start runs nothing twice.
    await migrate(store.db, { getMigrations: async () => ({ ...released, '0006-late-arrival': late }) });
  });
});

describe('0013-case-details', () => {
  it('[G1] turns case types written before the vocabulary was checked into complaints, and then refuses others', async () => {
    const test = await testStore('demo');
    try {
      const { db } = test.store;
      const demo = test.tenants[0]!.id;
      // The database as 0012 left it, with a case a flow opened under a type of its own.
      await sql`drop index cases_customer, cases_call`.execute(db);
      await sql`
        alter table cases
          drop constraint cases_type_check, drop constraint cases_status_check,
          drop column subject, drop column description, drop column channel, drop column priority,
          drop column interaction_id, drop column opened_by`.execute(db);
      await sql`delete from kysely_migration where name = '0013-case-details'`.execute(db);
      await sql`insert into cases (tenant_id, number, type) values (${demo}, '2612010001', 'billing'), (${demo}, '2612010002', 'suggestion')`.execute(db);

      await migrate(db, migrationProvider);
      const { rows } = await sql<{ number: string; type: string; status: string; channel: string }>`select number, type, status, channel from cases order by number`.execute(db);
      assert.deepEqual(rows.map((r) => [r.number, r.type, r.status, r.channel]), [
        ['2612010001', 'complaint', 'draft', 'ivr'],
        ['2612010002', 'suggestion', 'draft', 'ivr'],
      ]);
      await assert.rejects(sql`insert into cases (tenant_id, number, type) values (${demo}, '2612010003', 'billing')`.execute(db));
    } finally {
      await test.close();
    }
  });
});
