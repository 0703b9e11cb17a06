/**
 * An open store on a fresh test database (see database.ts), with the tenants a test names made
 * in it: the setup the store, routing and call tests share.
 */
import { createTenant } from '../../src/directory/index.js';
import { Store, type TenantRow } from '../../src/store/index.js';
import { testDatabase, type TestDatabase } from './database.js';

const tenantNames = {
  demo: { name: '示范', nameEn: 'Demo' },
  acme: { name: '艾克美', nameEn: 'Acme' },
};

export interface TestStore {
  /** The store open now (`reopen` opens another). */
  store: Store;
  database: TestDatabase;
  /** The tenants asked for, in the order asked. */
  tenants: TenantRow[];
  /** Closes the store and opens the same database again (migrations run, data kept). */
  reopen(): Promise<Store>;
  /** Closes the store and drops its database. */
  close(): Promise<void>;
}

export async function testStore(...slugs: (keyof typeof tenantNames)[]): Promise<TestStore> {
  const database = await testDatabase();
  const store = await Store.open({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  const tenants: TenantRow[] = [];
  for (const slug of slugs) tenants.push(await createTenant(store.repos, { slug, ...tenantNames[slug] }));
  const test: TestStore = {
    store,
    database,
    tenants,
    reopen: async () => {
      await test.store.close();
      test.store = await Store.open({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
      return test.store;
    },
    close: async () => {
      await test.store.close();
      await database.drop();
    },
  };
  return test;
}
