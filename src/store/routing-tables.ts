/**
 * The routing tables as Kysely sees them (migration 0008-routing). `bigint` columns come back as
 * text from pg and as numbers from PGlite; the repository turns them into numbers.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;
type BigIntColumn = ColumnType<string | number, number, number>;
type JsonObject = ColumnType<Record<string, unknown>, string, string>;

export const interactionStates = ['waiting', 'offered', 'connected', 'ended'] as const;
export type InteractionState = (typeof interactionStates)[number];

export const reservationStates = ['live', 'accepted', 'rejected', 'timed_out', 'cancelled'] as const;
export type ReservationState = (typeof reservationStates)[number];

/** A tenant's queue; `settings` is routing's queue settings without the id, which is `name`. */
export interface QueueTable {
  id: Generated<string>;
  tenantId: string;
  name: string;
  settings: JsonObject;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** A contact of any channel, from entering a queue to its end (issue 6 item 9). */
export interface InteractionTable {
  id: string;
  tenantId: string;
  channel: string;
  /** The queue it is in or was last in; null for work given to an agent directly. */
  queue: string | null;
  sipCallId: string | null;
  caller: string | null;
  priority: number;
  vip: boolean;
  state: Generated<InteractionState>;
  createdAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  agentId: string | null;
  /** abandoned, completed, node_restart, overflow_voicemail … */
  endCause: string | null;
  waitedMs: number | null;
  /** The agent's wrap-up (migration 0009): disposition code, note, who wrote it and when. */
  disposition: Generated<string | null>;
  wrapUpNote: Generated<string | null>;
  wrappedUpAt: Generated<Date | null>;
  wrappedUpBy: Generated<string | null>;
}

/** One entry of an interaction's timeline: queued, offered (to whom), answered, transferred … */
export interface InteractionEventTable {
  id: Generated<string>;
  tenantId: string;
  interactionId: string;
  at: Date;
  kind: string;
  agentId: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
}

/** An offer ringing an agent: written before the offer is sent, under the lease of its shard. */
export interface ReservationTable {
  id: string;
  tenantId: string;
  interactionId: string;
  agentId: string;
  channel: string;
  slot: number;
  state: Generated<ReservationState>;
  offeredAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  shard: string;
  epoch: BigIntColumn;
}

/** Who runs routing for a shard of tenants, until when; `epoch` moves on when the holder changes. */
export interface RoutingLeaseTable {
  shard: string;
  holder: string;
  epoch: BigIntColumn;
  expiresAt: Date;
}

/** Every change of an agent's state (D1), for reports; `forcedBy` names a supervisor who forced it. */
export interface AgentStateLogTable {
  id: Generated<string>;
  tenantId: string;
  agentId: string;
  fromState: string;
  toState: string;
  reason: string | null;
  presence: string;
  forcedBy: string | null;
  at: Date;
}

export interface RoutingTables {
  queues: QueueTable;
  interactions: InteractionTable;
  interactionEvents: InteractionEventTable;
  reservations: ReservationTable;
  routingLeases: RoutingLeaseTable;
  agentStateLog: AgentStateLogTable;
}

export type QueueRow = Selectable<QueueTable>;
export type Interaction = Selectable<InteractionTable>;
