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
  /** The agent the interaction is with now: after a transfer, the one who received it. */
  agentId: string | null;
  caller: string | null;
  state: 'waiting' | 'offered' | 'connected' | 'ended';
  vip: boolean;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitedMs: number | null;
  endCause: string | null;
  /** Its entries, oldest first (GET /interactions/:id only): `transferred` says from whom to where. */
  timeline?: { kind: string; agentId: string | null; detail: Record<string, unknown> }[];
}

/**
 * Where an interaction stands for the agent looking at it: its own state, except that a call a
 * transfer took from this agent to someone else is `transferred` (no longer theirs), with where to.
 */
export type CallPhase = Interaction['state'] | 'transferred';

export function phaseFor(interaction: Interaction, agentId: string | undefined): { phase: CallPhase; to?: string } {
  if (interaction.state !== 'connected' || agentId === undefined || interaction.agentId === agentId) return { phase: interaction.state };
  const away = interaction.timeline?.findLast((entry) => entry.kind === 'transferred' && entry.agentId === agentId);
  const to = away?.detail.to;
  return typeof to === 'string' ? { phase: 'transferred', to } : { phase: 'transferred' };
}

export interface Customer {
  id: string;
  name: string;
  company: string;
  vip: boolean;
  tags: string[];
  notes: string;
}

/** The kinds of case (FEATURES G1), as the API's `type` says them. */
export const caseTypes = ['complaint', 'tip_off', 'consultation', 'suggestion', 'service_order', 'fault_report'] as const;

export interface Case {
  id: string;
  number: string;
  type: (typeof caseTypes)[number];
  status: 'draft' | 'open' | 'closed';
  subject: string;
  priority: 'normal' | 'urgent';
  interactionId: string | null;
  createdAt: string;
}
