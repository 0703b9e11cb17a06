import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { firstInLine } from '../../src/store/first-in-line.js';
import { PGliteDialect } from '../../src/store/pglite-dialect.js';
import { preparedStatementLimit } from '../../src/store/pglite-session.js';

// The embedded database's driver itself, whatever DATABASE_URL says: PGlite in memory.
describe('embedded database driver (PGlite)', () => {
  let db: Kysely<unknown>;
  const prepared = async (text: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement = ${text}`.execute(db)).rows[0]?.n;

  before(async () => {
    db = new Kysely<unknown>({ dialect: new PGliteDialect(await PGlite.create()) });
    await sql`create table things (id int primary key, at timestamptz, tags text[], doc jsonb, note text)`.execute(db);
  });
  after(async () => {
    await db.destroy();
  });

  it('prepares a query once and runs it again by name, with each run’s parameters', async () => {
    const insert = (id: number, note: string | null) =>
      sql`insert into things (id, at, tags, doc, note) values (${id}, ${new Date(Date.UTC(2026, 11, 5, id))}, ${['a', 'b"c']}, ${JSON.stringify({ id })}, ${note})`.execute(db);
    const first = await insert(1, 'one');
    await insert(2, null);
    assert.equal(first.numAffectedRows, 1n);
    const select = (id: number) => sql<{ id: number; at: Date; tags: string[]; doc: { id: number }; note: string | null }>`select * from things where id = ${id}`.execute(db);
    assert.deepEqual((await select(1)).rows, [{ id: 1, at: new Date('2026-12-05T01:00:00Z'), tags: ['a', 'b"c'], doc: { id: 1 }, note: 'one' }]);
    assert.deepEqual((await select(2)).rows[0]?.note, null);
    assert.equal(await prepared('select * from things where id = $1'), 1, 'one prepared statement for both runs');
  });

  it(`keeps at most ${preparedStatementLimit} prepared statements, the latest used`, async () => {
    for (let i = 0; i < preparedStatementLimit + 20; i++) await sql`select ${i}::int + ${sql.lit(i)} as n`.execute(db);
    const count = (await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(db)).rows[0]?.n ?? 0;
    assert.ok(count <= preparedStatementLimit, `${count} prepared statements`);
    assert.equal(await prepared(`select $1::int + ${preparedStatementLimit + 19} as n`), 1);
    assert.equal(await prepared('select $1::int + 0 as n'), 0, 'the least recently used was closed');
  });

  it('a statement whose table changed shape is prepared again; errors keep their SQLSTATE', async () => {
    const all = () => sql<Record<string, unknown>>`select * from things where id = ${1}`.execute(db);
    await all();
    await sql`alter table things add column extra int default 7`.execute(db);
    assert.equal((await all()).rows[0]?.extra, 7);
    await assert.rejects(sql`insert into things (id) values (${1})`.execute(db), (error: { code?: string }) => error.code === '23505');
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await sql`insert into things (id) values (${9})`.execute(trx);
        await sql`insert into things (id) values (${1})`.execute(trx);
      }),
      (error: { code?: string }) => error.code === '23505',
    );
    assert.deepEqual((await sql`select id from things where id = ${9}`.execute(db)).rows, [], 'the failed transaction left nothing');
  });

  it('a transaction keeps its turn from BEGIN to its end: a statement sent meanwhile, even first in line, runs after it', async () => {
    const done: string[] = [];
    let inside: () => void = () => undefined;
    const begun = new Promise<void>((resolve) => (inside = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await sql`insert into things (id) values (${50})`.execute(trx);
      inside();
      await sql`select pg_sleep(0.05)`.execute(trx);
      await sql`delete from things where id = ${50}`.execute(trx);
      done.push('transaction');
    });
    await begun;
    const seen = sql<{ n: number }>`select count(*)::int as n from things where id = ${50}`.execute(firstInLine(db)).then((result) => {
      done.push('urgent');
      return result.rows[0]?.n;
    });
    await transaction;
    assert.equal(await seen, 0, 'the statement saw the transaction ended, not its row');
    assert.deepEqual(done, ['transaction', 'urgent']);
  });

  it('a query marked first in line runs after the one running, ahead of those already waiting', async () => {
    const done: string[] = [];
    const run = (name: string, text = sql`select 1`, through = db) => text.execute(through).then(() => void done.push(name));
    const running = run('running', sql`select pg_sleep(0.05)`);
    const waiting = [run('waiting 1'), run('waiting 2')];
    const urgent = [run('urgent 1', sql`select 1`, firstInLine(db)), run('urgent 2', sql`select 1`, firstInLine(db))];
    const later = run('later');
    await Promise.all([running, ...waiting, ...urgent, later]);
    assert.deepEqual(done, ['running', 'urgent 1', 'urgent 2', 'waiting 1', 'waiting 2', 'later']);
  });
});
