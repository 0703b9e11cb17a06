/**
 * Registrar bindings (RFC 3261 §10): where each agent's phones can be reached. Kept in the
 * database so that a restart, or another node, still knows where to send calls.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sip_bindings (
      tenant_id uuid not null references tenants (id) on delete cascade,
      aor text not null,
      contact text not null,
      expires_at timestamptz not null,
      q real,
      call_id text not null,
      cseq bigint not null,
      source text not null,
      user_agent text,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, aor, contact)
    )`.execute(db);
  await sql`create index sip_bindings_expiry on sip_bindings (expires_at)`.execute(db);
}
