import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, sql, type Dialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { migrationProvider } from './migrations/index.js';
import { PGliteDialect } from './pglite-dialect.js';
import { Repositories } from './repositories/index.js';

export interface StoreOptions {
  /** A postgres:// URL; without one, the embedded database in `<dataDir>/db` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

/**
 * The database behind a Kefu node: PostgreSQL when a URL is given, else embedded PGlite. Both run
 * the same migrations, at open, before anything else may touch the data.
 */
export class Store {
  readonly repos: Repositories;

  private constructor(
    readonly db: Kysely<Database>,
    readonly kind: 'postgres' | 'embedded',
  ) {
    this.repos = new Repositories(db);
  }

  static async open(options: StoreOptions): Promise<Store> {
    let dialect: Dialect;
    let kind: Store['kind'];
    if (options.databaseUrl !== undefined) {
      const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
      dialect = new PostgresDialect({ pool });
      kind = 'postgres';
    } else {
      const dir = join(options.dataDir, 'db');
      mkdirSync(dir, { recursive: true });
      dialect = new PGliteDialect(await PGlite.create(dir));
      kind = 'embedded';
    }
    const db = new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
    try {
      await migrate(db);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new Store(db, kind);
  }

  /** Runs `work` in one transaction: all of its writes land, or none. */
  async transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Repositories(trx)));
  }

  /** Throws unless the database answers a query. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

async function migrate(db: Kysely<Database>): Promise<void> {
  // Migration numbers are reserved when work starts, so one may land after a higher one (0006
  // after 0007): a database that has the higher one still gets the lower one.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
}
