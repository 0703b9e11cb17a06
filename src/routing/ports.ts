/**
 * What the routing service needs from around it, as interfaces main.ts fills in: the database
 * rows that make routing safe across restarts and nodes (store/'s routing repository), the
 * tenant's queues and agents (the directory), and the event stream (api/'s hub).
 */
import type { VoiceChannel } from '../calls/index.js';
import type { NewEvent, ScreenPopData } from '../events/index.js';

/** Where routing logs what goes wrong around it. */
export interface RouterLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** The right to route one shard (a tenant), fenced by its epoch (issue 6 item 8). */
export interface Lease {
  shard: string;
  holder: string;
  epoch: number;
}

export interface NewInteractionRow {
  id: string;
  channel: string;
  /** Null for work given to an agent directly. */
  queue: string | null;
  sipCallId: string | null;
  caller: string | null;
  priority: number;
  vip: boolean;
  createdAt: Date;
}

export type ReservationState = 'accepted' | 'rejected' | 'timed_out' | 'cancelled';

export interface RoutingStore {
  acquireLease(shard: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined>;
  renewLease(lease: Lease, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(lease: Lease): Promise<void>;
  /**
   * The reservation row, written before the offer is sent; a live one per agent slot at most. With
   * `interaction`, the interaction's row is written by the same statement unless already there:
   * the one write between a caller entering the queue and the agent's INVITE.
   */
  reserve(
    lease: Lease,
    row: { id: string; tenantId: string; interactionId: string; agentId: string; channel: string; slot: number; offeredAt: Date; expiresAt: Date },
    interaction?: NewInteractionRow,
  ): Promise<'reserved' | 'slot_taken' | 'fenced'>;
  endReservation(lease: Lease, id: string, state: ReservationState, at: Date): Promise<boolean>;
  /** Inserts the interaction's row unless it is there already. */
  createInteraction(tenantId: string, row: NewInteractionRow): Promise<void>;
  updateInteraction(
    tenantId: string,
    id: string,
    change: Partial<{ state: 'waiting' | 'offered' | 'connected' | 'ended'; answeredAt: Date; endedAt: Date; agentId: string; endCause: string; waitedMs: number; queue: string; channel: 'callback' }>,
    /** What changed it, added to the timeline by the same write. */
    event?: TimelineEventRow,
  ): Promise<void>;
  addEvent(tenantId: string, interactionId: string, event: TimelineEventRow): Promise<void>;
  logAgentState(tenantId: string, row: { agentId: string; from: string; to: string; reason: string | null; presence: string; by: string | null; at: Date }): Promise<void>;
}

export interface TimelineEventRow {
  at: Date;
  kind: string;
  agentId?: string | null;
  detail?: Record<string, unknown>;
}

export interface QueueRow {
  name: string;
  settings: Record<string, unknown>;
}

export interface AgentRow {
  id: string;
  extension: string;
  displayName: string;
  skills: Record<string, number>;
  disabled: boolean;
  /** The outside number the agent takes calls on when logged in remotely (A4), if they have one. */
  remoteNumber: string | null;
}

/** The tenant's queues and agents as the directory keeps them. */
export interface RoutingDirectory {
  queues(tenantId: string): Promise<QueueRow[]>;
  agents(tenantId: string): Promise<AgentRow[]>;
  /** The tenant's not-ready reason codes. */
  notReadyReasons(tenantId: string): Promise<string[]>;
}

/** The per-tenant event stream (`/api/v1/events`): the event hub and its queue statistics feed. */
export interface RoutingEvents {
  publish(tenantId: string, event: NewEvent): void;
  /** The queue's statistics changed: the stream sends them, at most about once a second. */
  queueChanged(tenantId: string, queue: string): void;
}

/**
 * Calls routing places itself (C5): a callback rings the agent first, as a call from the tenant's
 * number, and the agent's line then dials the customer.
 */
export interface CallbackCalls {
  /**
   * Rings `target` (the agent's extension, or a remote agent's outside number through the
   * tenant's trunks); once answered runs `serve` with the agent's line, whose `dial` reaches
   * extensions and outside numbers (through the tenant's trunks) with the tenant's number as
   * caller ID. False when the agent did not answer in `timeoutMs` or `cancel` settled first.
   */
  callAgent(tenantId: string, call: { target: string; timeoutMs: number; cancel: Promise<unknown>; serve(line: VoiceChannel): Promise<void> }): Promise<boolean>;
}

/** What an agent's screen shows of a caller before answering (C6), from the tenant's records. */
export interface ScreenPopSource {
  /** The customer (the flow's, or found by the calling number), their recent interactions and cases. */
  lookup(tenantId: string, caller: string | null, customerId: string | undefined, except: string): Promise<Omit<ScreenPopData, 'ivr'>>;
}
