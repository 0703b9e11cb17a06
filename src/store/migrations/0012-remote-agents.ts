/**
 * Remote agents (FEATURES A4, issue 6 item 4): the outside number an agent takes calls on when
 * logged in remotely (a mobile or a home line, reached through the tenant's trunks). Null for an
 * agent who only ever uses their phones.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table agents add column remote_number text`.execute(db);
}
