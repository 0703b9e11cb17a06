/**
 * Wrap-up (FEATURES D2, issue 6 item 5): after a call the agent records a disposition code and a
 * note on the interaction, with who wrote it and when. The timeline keeps every wrap-up written;
 * these columns hold the latest.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table interactions
      add column disposition text,
      add column wrap_up_note text,
      add column wrapped_up_at timestamptz,
      add column wrapped_up_by text`.execute(db);
  await sql`create index interactions_disposition on interactions (tenant_id, disposition) where disposition is not null`.execute(db);
}
