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
