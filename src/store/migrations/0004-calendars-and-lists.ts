/**
 * What decides whether and how a tenant's calls are served before any flow runs: its calendar of
 * holidays and make-up working days (FEATURES B9), the blacklist and whitelist of calling numbers
 * (B10), and the settings that apply them, with the night switch.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenant_calendar_days (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      date date not null,
      kind text not null check (kind in ('holiday', 'workday')),
      name text not null default '',
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint tenant_calendar_days_date unique (tenant_id, date)
    )`.execute(db);
  await sql`
    create table caller_lists (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      list text not null check (list in ('blacklist', 'whitelist')),
      number text not null,
      match text not null default 'exact' check (match in ('exact', 'prefix')),
      note text not null default '',
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint caller_lists_entry unique (tenant_id, list, number, match)
    )`.execute(db);
  await sql`
    create table tenant_call_settings (
      tenant_id uuid primary key references tenants (id) on delete cascade,
      blacklist_action text not null default 'reject-busy' check (blacklist_action in ('reject-busy', 'reject-403', 'play-and-hang-up')),
      refusal_prompt text,
      whitelist_only boolean not null default false,
      schedule_mode text not null default 'auto' check (schedule_mode in ('day', 'night', 'auto')),
      version integer not null default 1,
      updated_at timestamptz not null default now()
    )`.execute(db);
}
