/**
 * Routing (issue 6): a tenant's queues, every interaction with its timeline, the reservations
 * that ring agents, the lease rows that fence routing instances, and the log of agent states.
 *
 * Safety lives in the schema: a partial unique index allows one live reservation per agent,
 * channel and slot, so neither a bug nor two routing instances can double-offer an agent; a
 * reservation carries the shard and epoch of the lease it was written under. Times are those the
 * routing clock gave, not the database's `now()`. Agent ids are `agents.id`, without a foreign
 * key: the history outlives the agent.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table queues (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      settings jsonb not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    )`.execute(db);

  await sql`
    create table interactions (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      channel text not null check (channel in ('voice', 'chat', 'email', 'sms', 'fax')),
      queue text,
      sip_call_id text,
      caller text,
      priority integer not null default 0,
      vip boolean not null default false,
      state text not null default 'waiting' check (state in ('waiting', 'offered', 'connected', 'ended')),
      created_at timestamptz not null,
      answered_at timestamptz,
      ended_at timestamptz,
      agent_id uuid,
      end_cause text,
      waited_ms integer,
      unique (tenant_id, id)
    )`.execute(db);
  await sql`create index interactions_tenant_created on interactions (tenant_id, created_at desc)`.execute(db);
  await sql`create index interactions_tenant_queue on interactions (tenant_id, queue, created_at desc)`.execute(db);
  await sql`create index interactions_call on interactions (tenant_id, sip_call_id)`.execute(db);
  await sql`create index interactions_open on interactions (tenant_id, state) where state <> 'ended'`.execute(db);

  await sql`
    create table interaction_events (
      id bigint generated always as identity primary key,
      tenant_id uuid not null,
      interaction_id uuid not null,
      at timestamptz not null,
      kind text not null,
      agent_id uuid,
      detail jsonb not null default '{}',
      foreign key (tenant_id, interaction_id) references interactions (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index interaction_events_timeline on interaction_events (tenant_id, interaction_id, at, id)`.execute(db);

  await sql`
    create table reservations (
      id uuid primary key,
      tenant_id uuid not null,
      interaction_id uuid not null,
      agent_id uuid not null,
      channel text not null check (channel in ('voice', 'chat', 'email', 'sms', 'fax')),
      slot integer not null check (slot >= 0),
      state text not null default 'live' check (state in ('live', 'accepted', 'rejected', 'timed_out', 'cancelled')),
      offered_at timestamptz not null,
      expires_at timestamptz not null,
      ended_at timestamptz,
      shard text not null,
      epoch bigint not null,
      foreign key (tenant_id, interaction_id) references interactions (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index reservations_live_slot on reservations (agent_id, channel, slot) where state = 'live'`.execute(db);
  await sql`create index reservations_live_expiry on reservations (expires_at) where state = 'live'`.execute(db);
  await sql`create index reservations_interaction on reservations (tenant_id, interaction_id)`.execute(db);

  await sql`
    create table routing_leases (
      shard text primary key,
      holder text not null,
      epoch bigint not null,
      expires_at timestamptz not null
    )`.execute(db);

  await sql`
    create table agent_state_log (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      agent_id uuid not null,
      from_state text not null,
      to_state text not null,
      reason text,
      presence text not null,
      forced_by text,
      at timestamptz not null
    )`.execute(db);
  await sql`create index agent_state_log_tenant_at on agent_state_log (tenant_id, at desc)`.execute(db);
  await sql`create index agent_state_log_agent_at on agent_state_log (tenant_id, agent_id, at desc)`.execute(db);
}
