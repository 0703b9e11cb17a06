/**
 * The core's own records of queues, agents, interactions and reservations. They are mutable and
 * never leave the core: what the caller sees are decisions and the read-only views of queries.
 */
import type { Presence, AgentState } from './agent-state.js';
import type { InteractionMode } from './events.js';
import type { AgentId, InteractionId, ReservationId } from './ids.js';
import type { ServiceLevelWindow } from './service-level.js';
import type { AgentConfig, Channel, QueueConfig } from './settings.js';
import type { WaitingList } from './waiting-list.js';

export interface QueueRecord {
  config: QueueConfig;
  waiting: WaitingList<InteractionRecord>;
  /**
   * The same interactions by channel and the first skill they still require (`voice:french`,
   * or `voice:` when none): an agent looks only at the lists of the skills they have.
   */
  bySkill: Map<string, WaitingList<InteractionRecord>>;
  /** Members and the order they joined (a Map iterates in that order): round robin walks this ring. */
  members: Map<AgentRecord, number>;
  /** Members who are ready with a free slot of the channel: the only ones an interaction needs to look at. */
  free: Map<Channel, Set<AgentRecord>>;
  /** Members logged in and not "not ready", for the expected wait. */
  staffed: number;
  /** The join order of the member round robin picked last. */
  lastPicked: number;
  serviceLevel: ServiceLevelWindow;
  /** Moving average of answer → end of wrap-up, for the expected wait. */
  handleMs: number;
}

export interface AgentRecord {
  config: AgentConfig;
  presence: Presence;
  /** The not-ready reason while the presence is `not_ready`. */
  reason: string | null;
  /** The state last reported, so a change is reported once. */
  reported: { state: AgentState; reason: string | null; presence: Presence; since: number };
  queues: QueueRecord[];
  /** Slots taken per channel: ringing offers, interactions in progress and in wrap-up. */
  used: Record<Channel, number>;
  offers: Map<ReservationId, Reservation>;
  work: Set<InteractionRecord>;
  /** When the agent last finished work or became ready (longest idle). */
  idleSince: number;
  /** Since log-in (fewest calls, least talk time). */
  answered: number;
  talkMs: number;
  /** Offers in a row not answered; reaching the core's limit sets the agent not ready "missed". */
  misses: number;
}

/** `done` once the core has let go of it (ended, abandoned, overflowed out), so its wake-ups die. */
export type InteractionPhase = 'waiting' | 'connected' | 'wrap_up' | 'done';

export interface InteractionRecord {
  id: InteractionId;
  channel: Channel;
  priority: number;
  vip: boolean;
  skills: { skill: string; level: number }[];
  mode: InteractionMode;
  phase: InteractionPhase;
  /** The queue it waits in, or was answered from; null for a direct assignment. */
  queue: QueueRecord | null;
  /** When it first entered a queue: its seniority, kept across re-queues and overflows. */
  arrivedAt: number;
  /** When it entered its current queue: maximum wait, service level, relaxation, announcements. */
  queuedAt: number;
  /** Its order among waiting interactions, in its queue and across queues: lower first. */
  key: number;
  seq: number;
  /** In its queue's lists (waiting and not ringing anyone, or ringing some in a ring-all queue). */
  inList: boolean;
  /** The `bySkill` list it is in while listed. */
  bucket: string;
  /** Live offers by agent: at most one unless the queue rings all. */
  offers: Map<AgentId, Reservation>;
  /** Agents who let it ring out, and until when they are passed over for it. */
  missedBy: Map<AgentId, number>;
  /** Total the skill levels are lowered by, from the relaxation steps reached. */
  relaxedBy: number;
  /** Past its maximum wait while ringing: overflows if the offer is not answered. */
  overdue: boolean;
  overflows: number;
  /** Bumped whenever it leaves a queue, so wake-ups set for its old place die. */
  epoch: number;
  agent: AgentRecord | null;
  connectedAt: number;
  wrapUpMs: number;
  wrapUpEndsAt: number;
}

export interface Reservation {
  id: ReservationId;
  interaction: InteractionRecord;
  agent: AgentRecord;
  queue: QueueRecord;
  expiresAt: number;
  live: boolean;
}
