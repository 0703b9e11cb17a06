/**
 * Each tenant's not-ready reason codes (FEATURES D1, issue 6 item 2): what an agent may give when
 * they step away, with a name in Chinese and English for the desktop. A tenant without rows uses
 * the built-in list (break, lunch, meeting, training, other).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table not_ready_reasons (
      tenant_id uuid not null references tenants (id) on delete cascade,
      code text not null,
      name text not null,
      name_en text not null,
      position integer not null,
      primary key (tenant_id, code)
    )`.execute(db);
}
