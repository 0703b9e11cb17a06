import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { DuplicateError, NotFoundError, StaleVersionError } from '../errors.js';

/** SQLSTATE 23505 (unique_violation), raised by both PostgreSQL and PGlite. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/** Runs a write and turns a unique violation into a DuplicateError naming the field at fault. */
export async function uniquely<T>(path: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateError(message, [{ path, message }]);
    throw error;
  }
}

/**
 * Optimistic concurrency: `write` updates the row only where its version is still `expected`.
 * When it touched nothing, the row is either gone (404) or was changed meanwhile (409).
 */
export async function versioned<T>(
  entity: string,
  expected: number,
  write: () => Promise<T | undefined>,
  currentVersion: () => Promise<number | undefined>,
): Promise<T> {
  const updated = await write();
  if (updated !== undefined) return updated;
  const current = await currentVersion();
  if (current === undefined) throw new NotFoundError(`${entity} not found`);
  throw new StaleVersionError(entity, expected, current);
}

/** The tables of tenant data whose rows carry a version for optimistic concurrency. */
type VersionedTable = 'numbers' | 'users' | 'agents' | 'departments' | 'customers';

/** The current version of a tenant's row, or undefined when the tenant has no such row. */
export async function versionOf(
  db: Kysely<Database>,
  table: VersionedTable,
  tenantId: string,
  id: string,
): Promise<number | undefined> {
  // Every VersionedTable has id, tenant_id and version; the cast lets one query serve them all.
  const row = await db
    .selectFrom(table as 'customers')
    .select('version')
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.version;
}
