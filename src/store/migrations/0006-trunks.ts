/**
 * SIP trunks: how Kefu reaches numbers outside (FEATURES A2's outbound legs). A trunk belongs to a
 * tenant, or with no tenant is the platform's, shared by all. Which numbers it takes is a list of
 * rules (a prefix, optional length bounds, digits to strip and to add); its caller ID is the
 * tenant's number, the original caller's or a fixed one. The password is stored as given: Kefu
 * must send digest answers computed from it, and HA1 alone would tie it to one realm and algorithm.
 *
 * Numbered 0006 though written after 0007: the store runs migrations out of order (a database
 * that already has 0007 gets 0006 at its next start).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table trunks (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid references tenants (id) on delete cascade,
      name text not null,
      host text not null,
      port integer not null default 5060 check (port between 1 and 65535),
      transport text not null default 'udp' check (transport in ('udp', 'tcp')),
      username text,
      password text,
      realm text,
      from_user text,
      from_domain text,
      routes jsonb not null default '[]',
      caller_id text not null default 'tenant' check (caller_id in ('tenant', 'caller', 'fixed')),
      caller_id_number text,
      priority integer not null default 100,
      enabled boolean not null default true,
      max_calls integer check (max_calls > 0),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint trunks_name unique nulls not distinct (tenant_id, name),
      constraint trunks_fixed_caller_id check (caller_id <> 'fixed' or caller_id_number is not null),
      constraint trunks_account check ((username is null) = (password is null))
    )`.execute(db);
  await sql`create index trunks_tenant on trunks (tenant_id, priority)`.execute(db);
}
