/**
 * A fresh, empty database for one test file: a new database on the PostgreSQL server when
 * DATABASE_URL is set (as CI's second run does), else a new embedded one in a temporary folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Pass to Store.open / the server's DATABASE_URL; undefined means embedded. */
  databaseUrl: string | undefined;
  /** KEFU_DATA_DIR for this test: a temporary folder. */
  dataDir: string;
  drop(): Promise<void>;
}

export async function testDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kefu-test-'));
  const server = process.env.DATABASE_URL;
  if (server === undefined || server === '') {
    return { databaseUrl: undefined, dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `kefu_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(adminSettings(server));
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    drop: async () => {
      const client = new pg.Client(adminSettings(server));
      await client.connect();
      // A closed pool's connections leave the server a moment after it settles; forcing them out
      // sooner errs on clients still ending, in a test that has passed.
      for (let tries = 0; tries < 50; tries++) {
        const open = await client.query<{ count: string }>('select count(*) from pg_stat_activity where datname = $1', [name]);
        if (Number(open.rows[0]?.count) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A stuck server fails the test's set-up with the statement that stuck, not the hook's timeout. */
function adminSettings(connectionString: string): pg.ClientConfig {
  return { connectionString, connectionTimeoutMillis: 20_000, query_timeout: 60_000 };
}
