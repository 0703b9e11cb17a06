/**
 * The embedded database's one session (pglite-dialect.ts takes the turns at it). Queries run as
 * named prepared statements, kept by SQL text: PGlite's own `query` parses, describes, binds and
 * executes every time, one call into the backend for each step. A statement prepared once is
 * parsed and analysed once, and each later run is one call (Bind, Describe, Execute, Sync in one
 * buffer). Kysely compiles a given query to the same text with `$n` parameters, so a few hundred
 * statements cover a server.
 */
import { parse, protocol, type PGlite } from '@electric-sql/pglite';

/** Prepared statements kept at most; the least recently used is closed beyond it. */
export const preparedStatementLimit = 200;

interface PreparedStatement {
  name: string;
  /** The parameter types the backend inferred (its ParameterDescription). */
  paramTypes: number[];
}

/** SQLSTATE 0A000 from a prepared statement whose result columns a schema change altered. */
const cachedPlanChanged = 'cached plan must not change result type';

/** What a statement returned. */
export interface StatementResult {
  rows: unknown[];
  affectedRows?: number;
}

/** The backend's one session: statements prepared once and run by name, one at a time. */
export class PGliteSession {
  /** Map order is use order: the first entry is the least recently used. */
  readonly #statements = new Map<string, PreparedStatement>();
  #named = 0;

  constructor(private readonly pglite: PGlite) {}

  async run(sql: string, parameters: readonly unknown[]): Promise<StatementResult> {
    const statement = await this.#prepared(sql);
    let messages;
    try {
      messages = await this.pglite.execProtocolStream(this.#execution(statement, parameters));
    } catch (error) {
      if (!(error instanceof Error && error.message === cachedPlanChanged)) throw error;
      // The table behind the statement changed shape: prepare it again. Inside a transaction the
      // error has aborted it, so only a statement on its own is retried.
      await this.#forget(sql, statement);
      if (this.pglite.isInTransaction()) throw error;
      messages = await this.pglite.execProtocolStream(this.#execution(await this.#prepared(sql), parameters));
    }
    const result = parse.parseResults(messages, this.pglite.parsers)[0];
    return { rows: result?.rows ?? [], ...(result?.affectedRows !== undefined ? { affectedRows: result.affectedRows } : {}) };
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
