/**
 * A Kysely dialect over the embedded PGlite database. PGlite is one Postgres backend in this
 * process: it has exactly one connection, so the driver hands it to one holder at a time and the
 * others wait in line (a transaction keeps it from BEGIN to COMMIT). A query marked first in line
 * (first-in-line.ts) waits only for the one running and those marked before it.
 *
 * Queries run as named prepared statements, kept by SQL text: PGlite's own `query` parses,
 * describes, binds and executes every time, one call into the backend for each step. A statement
 * prepared once is parsed and analysed once, and each later run is one call (Bind, Describe,
 * Execute, Sync in one buffer). Kysely compiles a given query to the same text with `$n`
 * parameters, so a few hundred statements cover a server.
 */
import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import { isFirstInLine } from './first-in-line.js';
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

/** Prepared statements kept at most; the least recently used is closed beyond it. */
export const preparedStatementLimit = 200;

interface PreparedStatement {
  name: string;
  /** The parameter types the backend inferred (its ParameterDescription). */
  paramTypes: number[];
}

/** SQLSTATE 0A000 from a prepared statement whose result columns a schema change altered. */
const cachedPlanChanged = 'cached plan must not change result type';

class PGliteConnection implements DatabaseConnection {
  /** Map order is use order: the first entry is the least recently used. */
  readonly #statements = new Map<string, PreparedStatement>();
  #named = 0;

  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = await this.#prepared(query.sql);
    let messages;
    try {
      messages = await this.pglite.execProtocolStream(this.#execution(statement, query.parameters));
    } catch (error) {
      if (!(error instanceof Error && error.message === cachedPlanChanged)) throw error;
      // The table behind the statement changed shape: prepare it again. Inside a transaction the
      // error has aborted it, so only a statement on its own is retried.
      await this.#forget(query.sql, statement);
      if (this.pglite.isInTransaction()) throw error;
      messages = await this.pglite.execProtocolStream(this.#execution(await this.#prepared(query.sql), query.parameters));
    }
    const result = parse.parseResults(messages, this.pglite.parsers)[0];
    return {
      rows: (result?.rows ?? []) as R[],
      ...(result?.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }

  // PGlite has no server-side cursors to stream from; Kysely's stream() is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database');
  }

  async #prepared(sql: string): Promise<PreparedStatement> {
    const known = this.#statements.get(sql);
    if (known !== undefined) {
      this.#statements.delete(sql);
      this.#statements.set(sql, known);
      return known;
    }
    const name = `kysely_${++this.#named}`;
    const described = await this.pglite.execProtocolStream(
      concat([protocol.serialize.parse({ name, text: sql }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]),
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(described) };
    this.#statements.set(sql, statement);
    if (this.#statements.size > preparedStatementLimit) {
      const [oldestSql, oldest] = this.#statements.entries().next().value as [string, PreparedStatement];
      await this.#forget(oldestSql, oldest);
    }
    return statement;
  }

  async #forget(sql: string, statement: PreparedStatement): Promise<void> {
    this.#statements.delete(sql);
    await this.pglite.execProtocolStream(concat([protocol.serialize.close({ type: 'S', name: statement.name }), protocol.serialize.sync()]));
  }

  /** Bind, Describe, Execute and Sync in one buffer: values as text, serialized for the types the backend inferred. */
  #execution(statement: PreparedStatement, parameters: readonly unknown[]): Uint8Array {
    const values = parameters.map((value, i) => {
      if (value === null || value === undefined) return null;
      const type = statement.paramTypes[i];
      const serializer = type === undefined ? undefined : this.pglite.serializers[type];
      return serializer ? serializer(value) : String(value);
    });
    return concat([
      protocol.serialize.bind({ statement: statement.name, values }),
      protocol.serialize.describe({ type: 'P' }),
      protocol.serialize.execute({}),
      protocol.serialize.sync(),
    ]);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  #held = false;
  /** Who waits for the connection: the urgent ones, then the rest, each in the order they came. */
  readonly #urgent: (() => void)[] = [];
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly pglite: PGlite) {
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#held) await new Promise<void>((resolve) => (isFirstInLine() ? this.#urgent : this.#waiting).push(resolve));
    this.#held = true;
    return this.#connection;
  }

  /** Hands the connection to the next in line, or frees it. */
  async releaseConnection(): Promise<void> {
    const next = this.#urgent.shift() ?? this.#waiting.shift();
    if (next === undefined) this.#held = false;
    else next();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${level}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    if (this.#held) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (!this.pglite.closed) await this.pglite.close();
  }
}
