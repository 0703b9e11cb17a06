/**
 * Queries a caller is waiting on, sent ahead of the line on the embedded database: it runs one
 * query at a time (pglite-dialect.ts), and an agent's INVITE should not wait behind the records
 * written about earlier calls (issue 6: caller queued → INVITE, p99 ≤ 10 ms). The repositories
 * that serve that path — the reservation, the phone's bindings — send those queries through
 * `firstInLine(db)`, whose plugin marks each query's id (Kysely's documented way to carry data
 * from a plugin: a WeakSet keyed by `queryId`); the driver asks `isFirstInLine` when the query
 * comes to run. An async context would carry the mark too, but in Node 20 it puts a hook on every
 * promise the process makes. PostgreSQL runs queries side by side and ignores the mark.
 */
import type { CompiledQuery, Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

const marked = new WeakSet<QueryId>();

const firstInLinePlugin: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    marked.add(args.queryId);
    return args.node;
  },
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  },
};

/** `db`, with its queries first in line. */
export function firstInLine<DB>(db: Kysely<DB>): Kysely<DB> {
  return db.withPlugin(firstInLinePlugin);
}

/** Whether `query` was made through `firstInLine`. */
export function isFirstInLine(query: CompiledQuery): boolean {
  return marked.has(query.queryId);
}
