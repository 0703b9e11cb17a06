/**
 * What calls leave behind: call detail records with the trace of what each caller heard and
 * keyed, cases opened by voice complaints (B4, B5), voice mailboxes and their messages (B6), and
 * survey answers (B7). The case-management issue grows `cases`.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table cdrs (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      sip_call_id text not null,
      direction text not null check (direction in ('inbound', 'outbound')),
      caller text,
      called text,
      original_called text,
      flow text,
      flow_version integer,
      started_at timestamptz not null,
      answered_at timestamptz,
      ended_at timestamptz,
      cause text,
      sip_status integer,
      trace jsonb not null default '[]'
    )`.execute(db);
  await sql`create index cdrs_tenant_started on cdrs (tenant_id, started_at desc)`.execute(db);
  await sql`create index cdrs_call_id on cdrs (tenant_id, sip_call_id)`.execute(db);
  await sql`
    create table case_counters (
      tenant_id uuid not null references tenants (id) on delete cascade,
      day text not null,
      last integer not null,
      primary key (tenant_id, day)
    )`.execute(db);
  await sql`
    create table cases (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      number text not null,
      type text not null,
      status text not null default 'draft',
      customer_id uuid references customers (id) on delete set null,
      caller text,
      sip_call_id text,
      recording_file text,
      recording_ms integer,
      recording_sha256 text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, number)
    )`.execute(db);
  await sql`
    create table mailboxes (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      owner_kind text not null check (owner_kind in ('tenant', 'department', 'user')),
      owner_id uuid,
      pin_hash text not null,
      greeting text,
      max_messages integer not null default 100,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    )`.execute(db);
  await sql`
    create table voicemail_messages (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      mailbox_id uuid not null references mailboxes (id) on delete cascade,
      caller text,
      sip_call_id text,
      file text not null,
      duration_ms integer not null,
      size_bytes integer not null,
      sha256 text not null,
      heard_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index voicemail_messages_mailbox on voicemail_messages (mailbox_id, created_at)`.execute(db);
  await sql`
    create table survey_answers (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      survey text not null,
      question text not null,
      answer text not null,
      sip_call_id text,
      caller text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index survey_answers_survey on survey_answers (tenant_id, survey, created_at)`.execute(db);
}
