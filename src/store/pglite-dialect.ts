/**
 * A Kysely dialect over the embedded PGlite database. PGlite is one Postgres backend in this
 * process with exactly one session, so its work is taken in turns: a statement on its own, or a
 * transaction from BEGIN to its end; the others wait in line. A query marked first in line
 * (first-in-line.ts) waits only for the turn running and those marked before it. The turn is
 * taken when a query comes to run (not when Kysely asks for a connection), because only then is
 * the query, and so its mark, known. Statements run in the session of pglite-session.ts.
 */
import type { PGlite } from '@electric-sql/pglite';
import { isFirstInLine } from './first-in-line.js';
import { PGliteSession } from './pglite-session.js';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

/** Turns at the session: one at a time, the urgent waiting ones first, each group in the order they came. */
class Turns {
  #held = false;
  readonly #urgent: (() => void)[] = [];
  readonly #waiting: (() => void)[] = [];

  async take(urgent: boolean): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => (urgent ? this.#urgent : this.#waiting).push(resolve));
  }

  /** Hands the turn to the next in line, or frees it. */
  give(): void {
    const next = this.#urgent.shift() ?? this.#waiting.shift();
    if (next === undefined) this.#held = false;
    else next();
  }
}

/** What Kysely holds as a connection: a statement takes a turn of its own; a transaction keeps one from BEGIN to its end. */
class PGliteConnection implements DatabaseConnection {
  #inTransaction = false;

  constructor(
    private readonly session: PGliteSession,
    private readonly turns: Turns,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#inTransaction) return this.#run<R>(query);
    await this.turns.take(isFirstInLine(query));
    try {
      return await this.#run<R>(query);
    } finally {
      this.turns.give();
    }
  }

  async #run<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, affectedRows } = await this.session.run(query.sql, query.parameters);
    return { rows: rows as R[], ...(affectedRows !== undefined ? { numAffectedRows: BigInt(affectedRows) } : {}) };
  }

  // PGlite has no server-side cursors to stream from; Kysely's stream() is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database');
  }

  async begin(statement: string): Promise<void> {
    await this.turns.take(false);
    this.#inTransaction = true;
    try {
      await this.#run(CompiledQuery.raw(statement));
    } catch (error) {
      this.#release();
      throw error;
    }
  }

  /**
   * COMMIT or ROLLBACK, and the turn is given up. Kysely rolls back after a failed commit: the
   * backend has ended that transaction already, so the ROLLBACK runs on a turn of its own and
   * changes nothing.
   */
  async end(statement: 'commit' | 'rollback'): Promise<void> {
    if (!this.#inTransaction) {
      await this.executeQuery(CompiledQuery.raw(statement));
      return;
    }
    try {
      await this.#run(CompiledQuery.raw(statement));
    } finally {
      this.#release();
    }
  }

  #release(): void {
    this.#inTransaction = false;
    this.turns.give();
  }
}

class PGliteDriver implements Driver {
  readonly #session: PGliteSession;
  readonly #turns = new Turns();

  constructor(private readonly pglite: PGlite) {
    this.#session = new PGliteSession(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PGliteConnection(this.#session, this.#turns);
  }

  async releaseConnection(): Promise<void> {}

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await (connection as PGliteConnection).begin(`begin${level}`);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('rollback');
  }

  /** Closes the backend once the turn running and those waiting are done. */
  async destroy(): Promise<void> {
    await this.#turns.take(false);
    if (!this.pglite.closed) await this.pglite.close();
  }
}
