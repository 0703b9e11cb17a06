/**
 * An agent's state (D1), as reports and wallboards see it. The agent sets a presence — logged
 * out, ready, or not ready with a reason — and the work they hold overrides it: an offer ringing
 * makes them `reserved`, an interaction in progress `busy`, after-call work `wrap_up`, in that
 * order. So an agent who chooses "not ready" during a call stays `busy` and becomes `not_ready`
 * when the call and its wrap-up end. The table lists the moves the core may make; any other is
 * a bug in the core and throws.
 */
import { KefuError } from '../errors.js';

export const agentStates = ['logged_out', 'ready', 'not_ready', 'reserved', 'busy', 'wrap_up'] as const;
export type AgentState = (typeof agentStates)[number];

export const presences = ['logged_out', 'ready', 'not_ready'] as const;
export type Presence = (typeof presences)[number];

/** The reason the core itself gives when an agent leaves offers unanswered. */
export const MISSED_REASON = 'missed';

const moves: Record<AgentState, readonly AgentState[]> = {
  logged_out: ['ready', 'not_ready'],
  ready: ['not_ready', 'logged_out', 'reserved', 'busy'],
  // not_ready → not_ready is a change of reason
  not_ready: ['ready', 'not_ready', 'logged_out', 'busy'],
  reserved: ['ready', 'not_ready', 'logged_out', 'busy', 'wrap_up'],
  busy: ['ready', 'not_ready', 'logged_out', 'reserved', 'wrap_up'],
  wrap_up: ['ready', 'not_ready', 'logged_out', 'reserved', 'busy'],
};

/** The core tried a move the table does not list: a bug, never a user's mistake. */
export class IllegalAgentTransitionError extends KefuError {
  readonly code = 'ERR_ILLEGAL_AGENT_TRANSITION';

  constructor(
    readonly from: AgentState,
    readonly to: AgentState,
  ) {
    super(`an agent cannot go from ${from} to ${to}`);
  }
}

export function canMoveAgent(from: AgentState, to: AgentState): boolean {
  return moves[from].includes(to);
}

export interface AgentWork {
  offers: number;
  busy: number;
  wrapUp: number;
}

/** The state an agent is in, given their presence and the work they hold. */
export function agentStateOf(presence: Presence, work: AgentWork): AgentState {
  if (work.offers > 0) return 'reserved';
  if (work.busy > 0) return 'busy';
  if (work.wrapUp > 0) return 'wrap_up';
  return presence;
}
