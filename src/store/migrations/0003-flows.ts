/**
 * Flows and their prompts (FEATURES B11, K5). A flow keeps one draft that its editor saves, and
 * numbered versions, each a frozen copy made by publishing; `live_version` is the one the next
 * call starts on, so that a rollback is just pointing it back.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table flows (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      description text not null default '',
      draft jsonb not null,
      live_version integer,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    )`.execute(db);
  await sql`
    create table flow_versions (
      flow_id uuid not null references flows (id) on delete cascade,
      tenant_id uuid not null references tenants (id) on delete cascade,
      number integer not null,
      document jsonb not null,
      published_by text not null,
      published_at timestamptz not null default now(),
      primary key (flow_id, number)
    )`.execute(db);
  await sql`
    alter table flows add constraint flows_live_version_fk
      foreign key (id, live_version) references flow_versions (flow_id, number)`.execute(db);
  await sql`
    create table prompts (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      description text not null default '',
      file text not null,
      duration_ms integer not null,
      size_bytes integer not null,
      sha256 text not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    )`.execute(db);
}
