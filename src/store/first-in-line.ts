/**
 * Queries a caller is waiting on, sent ahead of the line on the embedded database: it runs one
 * query at a time (pglite-dialect.ts), and an agent's INVITE should not wait behind the records
 * written about earlier calls (issue 6: caller queued → INVITE, p99 ≤ 10 ms). Marked by the
 * repositories that serve that path — the reservation, the phone's bindings — and carried to the
 * driver through the async context. PostgreSQL runs queries side by side and needs no mark.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const urgent = new AsyncLocalStorage<true>();

/** Runs `work` with its queries first in line. */
export function firstInLine<T>(work: () => Promise<T>): Promise<T> {
  return urgent.run(true, work);
}

/** Whether the query being sent now goes first in line. */
export function isFirstInLine(): boolean {
  return urgent.getStore() === true;
}
