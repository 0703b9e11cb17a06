import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';

export interface Recovery {
  /** CDRs of calls that were up, now ended. */
  calls: number;
  interactions: number;
  reservations: number;
  /** Routing leases the last run still held, given up: this node takes its shards at once. */
  leases: number;
  /** Agents whose last logged state was not `logged_out`, now logged out. */
  agents: number;
}

/** Why what a node held ended when the next one started. */
export const nodeRestartCause = 'node_restart';

/**
 * What the last run left open in its records (calls, routing), ended at the next start: all of it
 * after a crash; after an orderly stop, what routing had of the calls it hung up.
 */
export class RecoveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Run once at start-up, before routing begins, on a node that held every shard: what the last
   * run left open ends now. The CDRs of calls that were up end with cause `node_restart`, ended by
   * Kefu (at this start: the call broke earlier, so the time is an upper bound). Open interactions
   * end with the same cause and an `ended` entry in their timeline (waited up to their answer, or
   * to now); live reservations are cancelled; the leases the last run held are given up (their rows
   * stay, so the next holder's epoch moves on), else its tenants would wait out their expiry before
   * routing again; agents whose last logged state was not `logged_out` are logged out with reason
   * `node_restart`.
   */
  async afterRestart(now: Date): Promise<Recovery> {
    const calls = await this.db.updateTable('cdrs').set({ endedAt: now, cause: nodeRestartCause, endedBy: 'kefu' }).where('endedAt', 'is', null).executeTakeFirst();
    const interactions = await sql<{ count: string | number }>`
      with ended as (
        update interactions set state = 'ended', ended_at = ${now}::timestamptz, end_cause = ${nodeRestartCause},
          waited_ms = coalesce(waited_ms, round(extract(epoch from (coalesce(answered_at, ${now}::timestamptz) - created_at) * 1000))::integer)
        where state <> 'ended'
        returning tenant_id, id, agent_id, waited_ms
      ), timeline as (
        insert into interaction_events (tenant_id, interaction_id, at, kind, agent_id, detail)
        select tenant_id, id, ${now}::timestamptz, 'ended', agent_id, jsonb_build_object('cause', ${nodeRestartCause}::text, 'waitedMs', waited_ms) from ended
      )
      select count(*) as count from ended`.execute(this.db);
    const reservations = await this.db
      .updateTable('reservations')
      .set({ state: 'cancelled', endedAt: now })
      .where('state', '=', 'live')
      .executeTakeFirst();
    const leases = await this.db.updateTable('routingLeases').set({ expiresAt: new Date(0) }).where('expiresAt', '>', now).executeTakeFirst();
    const agents = await sql<{ count: string | number }>`
      with logged_out as (
        insert into agent_state_log (tenant_id, agent_id, from_state, to_state, reason, presence, forced_by, at)
        select tenant_id, agent_id, to_state, 'logged_out', ${nodeRestartCause}::text, 'logged_out', null, ${now}::timestamptz
        from (
          select distinct on (tenant_id, agent_id) tenant_id, agent_id, to_state
          from agent_state_log order by tenant_id, agent_id, at desc, id desc
        ) last
        where to_state <> 'logged_out'
        returning 1
      )
      select count(*) as count from logged_out`.execute(this.db);
    return {
      calls: Number(calls.numUpdatedRows),
      interactions: Number(interactions.rows[0]?.count ?? 0),
      reservations: Number(reservations.numUpdatedRows),
      leases: Number(leases.numUpdatedRows),
      agents: Number(agents.rows[0]?.count ?? 0),
    };
  }
}
