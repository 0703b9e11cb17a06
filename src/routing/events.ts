/**
 * What the routing core is told (`RoutingCore.handle(event, now)`), and what it answers: a list
 * of decisions for the caller to carry out and store, and the time it next wants to be woken.
 * The core holds no timers: the caller calls `handle({ type: 'tick' }, now)` at `wakeAt` (or
 * sooner; any event first fires what is due).
 */
import type { AgentState, Presence } from './agent-state.js';
import type { AgentId, InteractionId, QueueId, ReservationId } from './ids.js';
import type { AgentProfile, Channel, InteractionRequest, OverflowTarget, QueueSettings } from './settings.js';

export type RoutingEvent =
  /** Adds a queue or changes it live. An overflow target queue must be defined first. */
  | { type: 'defineQueue'; queue: QueueSettings }
  /** Adds an agent or changes their queues, skills and capacity live (a supervisor's skill change). */
  | { type: 'defineAgent'; agent: AgentProfile }
  /** Logs in ready, or not ready when a reason is given. */
  | { type: 'login'; agent: AgentId; reason?: string }
  /** Ends ringing offers (their interactions go back ahead) and wrap-ups; calls in progress finish. */
  | { type: 'logout'; agent: AgentId }
  | { type: 'ready'; agent: AgentId }
  /** The tenant's not-ready reason codes change (`missed` is always one). */
  | { type: 'defineReasons'; reasons: string[] }
  | { type: 'notReady'; agent: AgentId; reason: string }
  /** A supervisor's change (D1); `ready`/`not_ready` also log a logged-out agent in. */
  | { type: 'force'; agent: AgentId; to: Presence; reason?: string; by: string }
  /** An interaction enters a queue. */
  | { type: 'enqueue'; interaction: InteractionRequest }
  /** The caller chose to be called back: the interaction keeps its place but no longer overflows. */
  | { type: 'callback'; interaction: InteractionId }
  /** The agent answered the offer. Refused with `ERR_RESERVATION_ENDED` when it already ended (hang the agent's leg up). */
  | { type: 'accept'; reservation: ReservationId }
  /** The agent declined, or the offer could not be delivered (busy phone, unreachable). */
  | { type: 'reject'; reservation: ReservationId }
  /** An interaction given to an agent directly, not through a queue: an outbound call, a transfer to that agent. */
  | { type: 'assign'; interaction: InteractionId; channel: Channel; agent: AgentId; wrapUpSeconds?: number }
  /** The interaction is over: abandoned if it was waiting or ringing, ended (then wrap-up) if answered. */
  | { type: 'end'; interaction: InteractionId }
  | { type: 'extendWrapUp'; interaction: InteractionId; seconds: number }
  | { type: 'endWrapUp'; interaction: InteractionId }
  /** Nothing happened but time passed. */
  | { type: 'tick' };

export type ReservationOutcome = 'accepted' | 'rejected' | 'timed_out' | 'cancelled';

/** Why an event was not applied; the API answers 404 for `ERR_UNKNOWN_*`, 400 for `ERR_VALIDATION`, else 409. */
export const refusalCodes = [
  'ERR_VALIDATION',
  'ERR_UNKNOWN_AGENT',
  'ERR_UNKNOWN_QUEUE',
  'ERR_UNKNOWN_INTERACTION',
  'ERR_UNKNOWN_REASON',
  'ERR_DUPLICATE_INTERACTION',
  'ERR_RESERVATION_ENDED',
  'ERR_NOT_LOGGED_IN',
  'ERR_ALREADY_LOGGED_IN',
  'ERR_NO_CAPACITY',
  'ERR_NOT_IN_WRAP_UP',
  'ERR_WRONG_STATE',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];

export type Decision =
  /** Ring the agent: write the reservation row first, then send the offer. */
  | {
      type: 'offer';
      reservation: ReservationId;
      interaction: InteractionId;
      agent: AgentId;
      queue: QueueId;
      channel: Channel;
      /** `callback`: the agent accepts, then the customer is called. */
      mode: InteractionMode;
      expiresAt: number;
      at: number;
    }
  /** Every offer ends exactly once. On `timed_out` and `cancelled` stop ringing the agent. */
  | { type: 'reservationEnded'; reservation: ReservationId; interaction: InteractionId; agent: AgentId; outcome: ReservationOutcome; at: number }
  /** Entered a queue (`requeued`: back after an offer was not answered, keeping its place). */
  | { type: 'queued'; interaction: InteractionId; queue: QueueId; position: number; requeued: boolean; at: number }
  /** Tell the waiting customer their place and expected wait (C5). */
  | { type: 'announce'; interaction: InteractionId; queue: QueueId; position: number; expectedWaitSeconds: number; at: number }
  /** Left `from` for the target; a `queue` target is entered at once (its `queued` follows), a `callback` target keeps the place. */
  | { type: 'overflow'; interaction: InteractionId; from: QueueId; target: OverflowTarget; reason: 'max_wait' | 'unstaffed'; waitedMs: number; at: number }
  /** Ended before an agent answered. */
  | { type: 'abandoned'; interaction: InteractionId; queue: QueueId; waitedMs: number; at: number }
  /** Ended after an agent answered; `wrapUpEndsAt` null when there is no wrap-up and the agent's slot is free. */
  | { type: 'ended'; interaction: InteractionId; agent: AgentId; talkMs: number; wrapUpEndsAt: number | null; at: number }
  | { type: 'wrapUp'; interaction: InteractionId; agent: AgentId; phase: 'started' | 'extended' | 'ended'; endsAt: number; at: number }
  /** Every change of an agent's state, reason or presence, for reports; `by` names a supervisor who forced it. */
  | { type: 'agentState'; agent: AgentId; from: AgentState; to: AgentState; reason: string | null; presence: Presence; by: string | null; at: number }
  /** The event was not applied; nothing else changed. */
  | { type: 'refused'; event: RoutingEvent['type']; code: RefusalCode; field: string; message: string; at: number };

export type InteractionMode = 'live' | 'callback';

export interface Step {
  decisions: Decision[];
  /** When to call `handle({ type: 'tick' }, …)` next; null when nothing is pending. */
  wakeAt: number | null;
}
