/**
 * The directory: tenants, their numbers and what each number is bound to, users and agents,
 * departments, customers, API keys, browser sessions and the audit log.
 */
import { sql, type Kysely } from 'kysely';

const changeTracking = sql`
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenants (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      name text not null,
      name_en text not null,
      sip_realm text not null unique,
      time_zone text not null default 'Asia/Shanghai',
      locale text not null default 'zh-CN',
      status text not null default 'active' check (status in ('active', 'suspended')),
      is_platform boolean not null default false,
      ${changeTracking}
    )`.execute(db);
  await sql`create unique index tenants_one_platform on tenants (is_platform) where is_platform`.execute(db);

  await sql`
    create table numbers (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      number text not null unique,
      kind text not null check (kind in ('direct', 'forwarded', 'shared')),
      label text not null default '',
      ${changeTracking}
    )`.execute(db);
  await sql`create index numbers_tenant on numbers (tenant_id)`.execute(db);

  await sql`
    create table number_bindings (
      id uuid primary key default gen_random_uuid(),
      number_id uuid not null references numbers (id) on delete cascade,
      tenant_id uuid not null references tenants (id) on delete cascade,
      extension_code text,
      service text not null,
      flow text
    )`.execute(db);
  await sql`create unique index number_bindings_code on number_bindings (number_id, coalesce(extension_code, ''))`.execute(db);
  await sql`create index number_bindings_tenant on number_bindings (tenant_id)`.execute(db);

  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      username text not null,
      display_name text not null,
      email text,
      password_hash text not null,
      roles text[] not null,
      disabled boolean not null default false,
      ${changeTracking},
      unique (tenant_id, username)
    )`.execute(db);

  await sql`
    create table agents (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null unique references users (id) on delete cascade,
      extension text not null,
      sip_ha1_md5 text not null,
      sip_ha1_sha256 text not null,
      skills jsonb not null default '{}',
      ${changeTracking},
      unique (tenant_id, extension)
    )`.execute(db);

  await sql`
    create table departments (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      name_en text not null default '',
      phones text[] not null default '{}',
      description text not null default '',
      ${changeTracking},
      unique (tenant_id, name)
    )`.execute(db);

  await sql`
    create table customers (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      company text not null default '',
      phones text[] not null default '{}',
      emails text[] not null default '{}',
      vip boolean not null default false,
      tags text[] not null default '{}',
      notes text not null default '',
      address text not null default '',
      ${changeTracking}
    )`.execute(db);
  await sql`create index customers_tenant_name on customers (tenant_id, name)`.execute(db);
  await sql`create index customers_phones on customers using gin (phones)`.execute(db);

  await sql`
    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      roles text[] not null,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    create table sessions (
      token_hash text primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);

  // No foreign key to tenants: the record of what was done outlives what it was done to.
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      tenant_id uuid not null,
      at timestamptz not null default now(),
      actor_kind text not null,
      actor_id uuid,
      actor_name text not null,
      action text not null,
      entity text not null,
      entity_id text not null,
      before jsonb,
      after jsonb,
      request_id text,
      source_ip text
    )`.execute(db);
  await sql`create index audit_log_tenant_at on audit_log (tenant_id, at desc)`.execute(db);
}
