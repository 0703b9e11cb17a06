import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from './database.js';
import { DuplicateError, NotFoundError, StaleVersionError } from '../errors.js';

/**
 * What each unique constraint protects, named as the API names the field, so that a clash reports
 * the field that is taken even on a table with several unique keys.
 */
const uniqueConstraints: Record<string, { path: string; message: string }> = {
  tenants_slug_key: { path: 'slug', message: 'a tenant with this slug exists' },
  tenants_sip_realm_key: { path: 'sipRealm', message: 'a tenant with this SIP realm exists' },
  tenants_one_platform: { path: 'isPlatform', message: 'there is one platform tenant' },
  numbers_number_key: { path: 'number', message: 'this number is already registered' },
  number_bindings_code: { path: 'bindings', message: 'two bindings of one number have the same extension code' },
  users_tenant_id_username_key: { path: 'username', message: 'a user with this username exists' },
  agents_tenant_id_extension_key: { path: 'extension', message: 'an agent with this extension exists' },
  agents_user_id_key: { path: 'userId', message: 'this user is already an agent' },
  departments_tenant_id_name_key: { path: 'name', message: 'a department with this name exists' },
  flows_tenant_id_name_key: { path: 'name', message: 'a flow with this name exists' },
  prompts_tenant_id_name_key: { path: 'name', message: 'a prompt with this name exists' },
  mailboxes_tenant_id_name_key: { path: 'name', message: 'a mailbox with this name exists' },
  queues_tenant_id_name_key: { path: 'name', message: 'a queue with this name exists' },
  tenant_calendar_days_date: { path: 'date', message: 'this date is already in the calendar' },
  caller_lists_entry: { path: 'number', message: 'this number is already on the list' },
  trunks_name: { path: 'name', message: 'a trunk with this name exists' },
};

/**
 * Runs a write and turns a unique violation (SQLSTATE 23505, raised by PostgreSQL and PGlite
 * alike, with the constraint's name) into a DuplicateError naming the field at fault.
 */
export async function uniquely<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const { code, constraint } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; constraint?: unknown };
    if (code !== '23505') throw error;
    const known = typeof constraint === 'string' ? uniqueConstraints[constraint] : undefined;
    const detail = known ?? { path: 'body', message: `already exists (${String(constraint)})` };
    throw new DuplicateError(detail.message, [detail]);
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
export type VersionedTable =
  | 'numbers'
  | 'users'
  | 'agents'
  | 'departments'
  | 'customers'
  | 'flows'
  | 'prompts'
  | 'cases'
  | 'mailboxes'
  | 'tenantCalendarDays'
  | 'callerLists';

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

/**
 * Updates a tenant's row if it is still at version `expected`, bumping the version; otherwise
 * NotFoundError or StaleVersionError (see `versioned`). Returns the row as it now is.
 */
export async function updateVersioned<T extends VersionedTable>(
  db: Kysely<Database>,
  table: T,
  entity: string,
  tenantId: string,
  id: string,
  expected: number,
  patch: Updateable<Database[T]>,
): Promise<Selectable<Database[T]>> {
  // As in versionOf: the columns used here exist in every VersionedTable.
  const update = () =>
    db
      .updateTable(table as 'customers')
      .set((eb) => ({ ...(patch as Updateable<Database['customers']>), version: eb('version', '+', 1), updatedAt: new Date() }))
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .where('version', '=', expected)
      .returningAll()
      .executeTakeFirst();
  return versioned(entity, expected, update, () => versionOf(db, table, tenantId, id)) as Promise<Selectable<Database[T]>>;
}

/** Deletes a tenant's row, returning it, or undefined when the tenant has no such row. */
export async function removeRow<T extends VersionedTable>(
  db: Kysely<Database>,
  table: T,
  tenantId: string,
  id: string,
): Promise<Selectable<Database[T]> | undefined> {
  return db
    .deleteFrom(table as 'customers')
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst() as Promise<Selectable<Database[T]> | undefined>;
}
