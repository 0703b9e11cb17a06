/**
 * A CDR row for every leg of a call, not only the caller's: the phones a `dial` rang and the
 * targets of a transfer get rows of their own, grouped by the call they belong to. `cause` holds
 * the Q.850 cause name (normal_clearing, user_busy …) and `ended_by` the side that ended the leg.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cdrs add column call_id uuid`.execute(db);
  await sql`alter table cdrs add column leg text not null default 'caller' check (leg in ('caller', 'callee', 'transfer'))`.execute(db);
  await sql`alter table cdrs add column target text`.execute(db);
  await sql`alter table cdrs add column ended_by text check (ended_by in ('caller', 'callee', 'kefu', 'network'))`.execute(db);
  await sql`create index cdrs_call on cdrs (tenant_id, call_id)`.execute(db);
}
