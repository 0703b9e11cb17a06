/** What the agent desktop reads from the API (shapes of /agents/me/state and /interactions). */

export type AgentState = 'logged_out' | 'ready' | 'not_ready' | 'reserved' | 'busy' | 'wrap_up';

export interface AgentView {
  agent: string;
  state: AgentState;
  presence: string;
  reason: string | null;
  /** Epoch ms of the last change. */
  since: number;
  offers: string[];
  work: string[];
}

export interface Interaction {
  id: string;
  channel: string;
  queue: string | null;
  sipCallId: string | null;
  caller: string | null;
  state: 'waiting' | 'offered' | 'connected' | 'ended';
  vip: boolean;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitedMs: number | null;
  endCause: string | null;
}

export interface Customer {
  id: string;
  name: string;
  company: string;
  vip: boolean;
  tags: string[];
  notes: string;
}
