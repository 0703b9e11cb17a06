import { sql, type Kysely, type QueryCreator } from 'kysely';
import { NotFoundError } from '../../errors.js';
import type { Database } from '../database.js';
import { firstInLine } from '../first-in-line.js';
import type { Page, PageRequest } from '../page.js';
import type { Interaction, InteractionState } from '../routing-tables.js';

/**
 * The right to route a shard of tenants. `epoch` moves on whenever another holder takes the
 * shard over, and every reservation write names the lease it is made under: a holder that lost
 * its lease (a stalled node) is fenced, its writes refused.
 */
export interface Lease {
  shard: string;
  holder: string;
  epoch: number;
}

export interface NewReservation {
  id: string;
  tenantId: string;
  interactionId: string;
  agentId: string;
  channel: string;
  slot: number;
  offeredAt: Date;
  expiresAt: Date;
}

export type ReservationEnd = 'accepted' | 'rejected' | 'timed_out' | 'cancelled';

export interface NewInteraction {
  id: string;
  channel: string;
  /** Null for work given to an agent directly (an outbound call). */
  queue: string | null;
  sipCallId: string | null;
  caller: string | null;
  priority: number;
  vip: boolean;
  createdAt: Date;
}

export type InteractionChange = Partial<{
  state: InteractionState;
  answeredAt: Date | null;
  endedAt: Date | null;
  agentId: string | null;
  endCause: string | null;
  waitedMs: number | null;
  queue: string | null;
  /** `callback` once the caller chose to be called back (C5). */
  channel: string;
}>;

export interface InteractionFilter {
  state?: string | undefined;
  queue?: string | undefined;
  /** With this agent now (connected, or the last to have it). */
  agentId?: string | undefined;
  /** Answered by this agent, who may have transferred it on since. */
  answeredBy?: string | undefined;
  sipCallId?: string | undefined;
  /** Created at or after. */
  from?: Date | undefined;
  /** Created before. */
  to?: Date | undefined;
  /** Any of these calling numbers (the forms of one customer's number). */
  callers?: readonly string[] | undefined;
}

export interface TimelineEvent {
  at: Date;
  kind: string;
  agentId?: string | null;
  detail?: Record<string, unknown>;
}

export interface TimelineEntry {
  at: Date;
  kind: string;
  agentId: string | null;
  detail: Record<string, unknown>;
}

export interface WrapUp {
  disposition: string;
  note: string | null;
  /** The user who wrote it. */
  by: string;
  at: Date;
}

export interface AgentStateChange {
  agentId: string;
  from: string;
  to: string;
  reason: string | null;
  presence: string;
  /** The supervisor who forced the change. */
  by: string | null;
  at: Date;
}

export interface AgentStateEntry extends AgentStateChange {
  id: string;
}

export interface AgentStateFilter {
  agentId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Where routing's decisions are kept: leases, reservations, interactions and their timelines, agent states. */
export class RoutingRepository {
  /** The agent's INVITE waits for these queries: see first-in-line.ts. */
  readonly #firstInLine: Kysely<Database>;

  constructor(private readonly db: Kysely<Database>) {
    this.#firstInLine = firstInLine(db);
  }

  /** Free, expired or already ours → ours (a takeover from another holder bumps the epoch); held live by another → undefined. */
  async acquireLease(shard: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined> {
    const { rows } = await sql<{ shard: string; holder: string; epoch: string | number }>`
      insert into routing_leases (shard, holder, epoch, expires_at)
      values (${shard}, ${holder}, 1, ${new Date(now.getTime() + ttlMs)}::timestamptz)
      on conflict (shard) do update set
        epoch = case when routing_leases.holder = excluded.holder then routing_leases.epoch else routing_leases.epoch + 1 end,
        holder = excluded.holder,
        expires_at = excluded.expires_at
      where routing_leases.holder = excluded.holder or routing_leases.expires_at <= ${now}::timestamptz
      returning shard, holder, epoch`.execute(this.db);
    const row = rows[0];
    return row === undefined ? undefined : { shard: row.shard, holder: row.holder, epoch: Number(row.epoch) };
  }

  /** Extends the lease; false when fenced (another holder took the shard over). */
  async renewLease(lease: Lease, ttlMs: number, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('routingLeases')
      .set({ expiresAt: new Date(now.getTime() + ttlMs) })
      .where('shard', '=', lease.shard)
      .where('holder', '=', lease.holder)
      .where('epoch', '=', lease.epoch)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Lets another holder take the shard at once. The row stays, so the next holder's epoch moves on. */
  async releaseLease(lease: Lease): Promise<void> {
    await this.db
      .updateTable('routingLeases')
      .set({ expiresAt: new Date(0) })
      .where('shard', '=', lease.shard)
      .where('holder', '=', lease.holder)
      .where('epoch', '=', lease.epoch)
      .execute();
  }

  /**
   * Writes a live reservation in one statement, only if `lease` is current and unexpired at
   * `offeredAt`. The lease row is read FOR SHARE, so a takeover waits for this write or fences it.
   * Another live reservation of the agent's channel slot → `slot_taken` (the partial unique index
   * decides, across instances); nothing raised, so a surrounding transaction stays usable.
   * `interaction`, when given, is inserted by the same statement unless its row is there already
   * (`on conflict do nothing` without a target: every unique index is an arbiter, so a concurrent
   * insert of the same row by `createInteraction` is no error, PostgreSQL docs "INSERT", ON CONFLICT):
   * a caller offered as they enter the queue costs one round trip before the agent's INVITE (its
   * foreign key is checked at the statement's end, when the row is in). First in line: the agent's
   * INVITE waits for it.
   */
  async reserve(lease: Lease, row: NewReservation, interaction?: NewInteraction): Promise<'reserved' | 'slot_taken' | 'fenced'> {
    const newInteraction =
      interaction === undefined
        ? sql``
        : sql`, interaction as (
        insert into interactions (id, tenant_id, channel, queue, sip_call_id, caller, priority, vip, created_at)
        values (${interaction.id}::uuid, ${row.tenantId}::uuid, ${interaction.channel}::text, ${interaction.queue}::text, ${interaction.sipCallId}::text,
          ${interaction.caller}::text, ${interaction.priority}::integer, ${interaction.vip}::boolean, ${interaction.createdAt}::timestamptz)
        on conflict do nothing
      )`;
    const { rows } = await sql<{ current: boolean; inserted: boolean }>`
      with lease as (
        select 1 from routing_leases
        where shard = ${lease.shard} and holder = ${lease.holder} and epoch = ${lease.epoch}::bigint and expires_at > ${row.offeredAt}::timestamptz
        for share
      )${newInteraction}, inserted as (
        insert into reservations (id, tenant_id, interaction_id, agent_id, channel, slot, offered_at, expires_at, shard, epoch)
        select ${row.id}::uuid, ${row.tenantId}::uuid, ${row.interactionId}::uuid, ${row.agentId}::uuid, ${row.channel}::text,
          ${row.slot}::integer, ${row.offeredAt}::timestamptz, ${row.expiresAt}::timestamptz, ${lease.shard}::text, ${lease.epoch}::bigint
        where exists (select 1 from lease)
        on conflict (agent_id, channel, slot) where state = 'live' do nothing
        returning id
      )
      select exists (select 1 from lease) as current, exists (select 1 from inserted) as inserted`.execute(this.#firstInLine);
    const result = rows[0];
    if (result?.current !== true) return 'fenced';
    return result.inserted ? 'reserved' : 'slot_taken';
  }

  /**
   * Ends a live reservation of the lease's shard; false when it is not live or the lease is
   * fenced. First in line: the agent's next offer waits for it.
   */
  async endReservation(lease: Lease, id: string, state: ReservationEnd, at: Date): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      with lease as (
        select 1 from routing_leases where shard = ${lease.shard} and holder = ${lease.holder} and epoch = ${lease.epoch}::bigint for share
      )
      update reservations set state = ${state}, ended_at = ${at}::timestamptz
      where id = ${id}::uuid and shard = ${lease.shard} and state = 'live' and exists (select 1 from lease)
      returning id`.execute(this.#firstInLine);
    return rows.length > 0;
  }

  /** The safety net: every live reservation past its expiry ends `timed_out`, whoever wrote it. */
  async expireReservations(now: Date): Promise<number> {
    const result = await this.db
      .updateTable('reservations')
      .set({ state: 'timed_out', endedAt: now })
      .where('state', '=', 'live')
      .where('expiresAt', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Inserts the interaction's row; one already there (written with its first reservation) is kept, whichever unique index sees it. */
  async createInteraction(tenantId: string, row: NewInteraction): Promise<void> {
    await this.db
      .insertInto('interactions')
      .values({ tenantId, ...row, answeredAt: null, endedAt: null, agentId: null, endCause: null, waitedMs: null })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }

  /**
   * Changes the interaction's row and, with `event`, adds to its timeline what changed it, in one
   * statement (the update's row feeds the insert): half the writes of the two apart, on the path
   * every call's routing records take.
   */
  async updateInteraction(tenantId: string, id: string, change: InteractionChange, event?: TimelineEvent): Promise<void> {
    if (Object.keys(change).length === 0) {
      if (event !== undefined) await this.addEvent(tenantId, id, event);
      return;
    }
    const changed = (db: QueryCreator<Database>) => db.updateTable('interactions').set(change).where('tenantId', '=', tenantId).where('id', '=', id);
    if (event === undefined) {
      const result = await changed(this.db).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new NotFoundError('interaction not found');
      return;
    }
    const result = await this.db
      .with('changed', (db) => changed(db).returning(['tenantId', 'id']))
      .insertInto('interactionEvents')
      .columns(['tenantId', 'interactionId', 'at', 'kind', 'agentId', 'detail'])
      .expression((eb) =>
        eb
          .selectFrom('changed')
          .select([
            'changed.tenantId',
            'changed.id',
            sql<Date>`${event.at}::timestamptz`.as('at'),
            sql<string>`${event.kind}::text`.as('kind'),
            sql<string | null>`${event.agentId ?? null}::uuid`.as('agentId'),
            sql<string>`${JSON.stringify(event.detail ?? {})}::jsonb`.as('detail'),
          ]),
      )
      .executeTakeFirst();
    if (result.numInsertedOrUpdatedRows === 0n) throw new NotFoundError('interaction not found');
  }

  async getInteraction(tenantId: string, id: string): Promise<Interaction | undefined> {
    return this.db.selectFrom('interactions').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  /** Records the agent's wrap-up on the interaction and in its timeline; undefined when there is no such interaction. */
  async wrapUp(tenantId: string, id: string, wrap: WrapUp): Promise<Interaction | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('interactions')
        .set({ disposition: wrap.disposition, wrapUpNote: wrap.note, wrappedUpAt: wrap.at, wrappedUpBy: wrap.by })
        .where('tenantId', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return undefined;
      await trx
        .insertInto('interactionEvents')
        .values({ tenantId, interactionId: id, at: wrap.at, kind: 'wrapped_up', agentId: row.agentId, detail: JSON.stringify({ disposition: wrap.disposition, note: wrap.note, by: wrap.by }) })
        .execute();
      return row;
    });
  }

  async addEvent(tenantId: string, interactionId: string, event: TimelineEvent): Promise<void> {
    await this.db
      .insertInto('interactionEvents')
      .values({ tenantId, interactionId, at: event.at, kind: event.kind, agentId: event.agentId ?? null, detail: JSON.stringify(event.detail ?? {}) })
      .execute();
  }

  /** The interaction's timeline, oldest first. */
  async timeline(tenantId: string, interactionId: string): Promise<TimelineEntry[]> {
    return this.db
      .selectFrom('interactionEvents')
      .select(['at', 'kind', 'agentId', 'detail'])
      .where('tenantId', '=', tenantId)
      .where('interactionId', '=', interactionId)
      .orderBy('at')
      .orderBy('id')
      .execute();
  }

  /** Newest first. */
  async listInteractions(tenantId: string, filter: InteractionFilter, page: PageRequest): Promise<Page<Interaction>> {
    let query = this.db.selectFrom('interactions').where('tenantId', '=', tenantId);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state as InteractionState);
    if (filter.queue !== undefined) query = query.where('queue', '=', filter.queue);
    if (filter.agentId !== undefined) query = query.where('agentId', '=', filter.agentId);
    const answeredBy = filter.answeredBy;
    if (answeredBy !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('agentId', '=', answeredBy),
          eb.exists(
            eb
              .selectFrom('interactionEvents as e')
              .select('e.id')
              .whereRef('e.tenantId', '=', 'interactions.tenantId')
              .whereRef('e.interactionId', '=', 'interactions.id')
              .where('e.kind', '=', 'answered')
              .where('e.agentId', '=', answeredBy),
          ),
        ]),
      );
    }
    if (filter.sipCallId !== undefined) query = query.where('sipCallId', '=', filter.sipCallId);
    if (filter.from !== undefined) query = query.where('createdAt', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('createdAt', '<', filter.to);
    if (filter.callers !== undefined) query = filter.callers.length === 0 ? query.where(sql<boolean>`false`) : query.where('caller', 'in', filter.callers);
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('createdAt', 'desc').orderBy('id').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async logAgentState(tenantId: string, row: AgentStateChange): Promise<void> {
    await this.db
      .insertInto('agentStateLog')
      .values({ tenantId, agentId: row.agentId, fromState: row.from, toState: row.to, reason: row.reason, presence: row.presence, forcedBy: row.by, at: row.at })
      .execute();
  }

  /** Newest first. */
  async agentStateLog(tenantId: string, filter: AgentStateFilter, page: PageRequest): Promise<Page<AgentStateEntry>> {
    let query = this.db.selectFrom('agentStateLog').where('tenantId', '=', tenantId);
    if (filter.agentId !== undefined) query = query.where('agentId', '=', filter.agentId);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', filter.to);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    const items = rows.map((r) => ({ id: String(r.id), agentId: r.agentId, from: r.fromState, to: r.toState, reason: r.reason, presence: r.presence, by: r.forcedBy, at: r.at }));
    return { items, total: Number(count.total), ...page };
  }
}
