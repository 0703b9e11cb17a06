/**
 * A caller who chose to be called back (C5) keeps their place in the queue as an interaction of
 * channel `callback`: the interactions' channel check admits it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table interactions drop constraint interactions_channel_check`.execute(db);
  await sql`alter table interactions add constraint interactions_channel_check check (channel in ('voice', 'chat', 'email', 'sms', 'fax', 'callback'))`.execute(db);
}
