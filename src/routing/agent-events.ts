/**
 * What agents and supervisors do to an agent's presence (D1): log in, ready, not ready with one
 * of the tenant's reasons, log out, and a supervisor's forced change of any of these.
 */
import { MISSED_REASON, type Presence } from './agent-state.js';
import type { AgentId } from './ids.js';
import type { AgentRecord } from './records.js';
import { refuse, type Refusal } from './refusal.js';
import type { RoutingState } from './routing-state.js';

export class AgentEvents {
  #reasons: ReadonlySet<string>;

  constructor(
    private readonly state: RoutingState,
    notReadyReasons: readonly string[],
  ) {
    this.#reasons = new Set([...notReadyReasons, MISSED_REASON]);
  }

  /** The tenant's not-ready reasons from now on (`missed` is always one); agents not ready keep theirs. */
  defineReasons(reasons: readonly string[]): Refusal | undefined {
    const bad = reasons.find((reason) => !/^[a-z0-9_-]{1,40}$/.test(reason));
    if (bad !== undefined) return refuse('ERR_VALIDATION', 'reasons', `not-ready reason ${JSON.stringify(bad)} is not 1 to 40 of a-z 0-9 _ -`);
    this.#reasons = new Set([...reasons, MISSED_REASON]);
    return undefined;
  }

  find(id: AgentId): AgentRecord | Refusal {
    return this.state.agents.get(id) ?? refuse('ERR_UNKNOWN_AGENT', 'agent', `agent ${id} is not defined`);
  }

  login(id: AgentId, reason: string | undefined): Refusal | undefined {
    const agent = this.find(id);
    if ('code' in agent) return agent;
    if (agent.presence !== 'logged_out') return refuse('ERR_ALREADY_LOGGED_IN', 'agent', `agent ${id} is already logged in`);
    const refusal = this.#checkReason(reason);
    if (refusal !== undefined) return refusal;
    this.#logIn(agent, reason === undefined ? 'ready' : 'not_ready', reason ?? null);
    return undefined;
  }

  logout(id: AgentId): Refusal | undefined {
    const agent = this.find(id);
    if ('code' in agent) return agent;
    if (agent.presence === 'logged_out') return refuse('ERR_NOT_LOGGED_IN', 'agent', `agent ${id} is not logged in`);
    this.#logOut(agent);
    return undefined;
  }

  ready(id: AgentId): Refusal | undefined {
    return this.#change(id, 'ready', undefined);
  }

  notReady(id: AgentId, reason: string): Refusal | undefined {
    return this.#change(id, 'not_ready', reason);
  }

  /** A supervisor's change: logs an agent in or out as needed, and names the supervisor in the reported state. */
  force(id: AgentId, to: Presence, reason: string | undefined, by: string): Refusal | undefined {
    const agent = this.find(id);
    if ('code' in agent) return agent;
    if (to === 'not_ready' && reason === undefined) return refuse('ERR_VALIDATION', 'reason', 'a not-ready reason is required');
    const refusal = this.#checkReason(to === 'not_ready' ? reason : undefined);
    if (refusal !== undefined) return refusal;
    this.state.forcedBy = by;
    if (to === 'logged_out') {
      if (agent.presence !== 'logged_out') this.#logOut(agent);
    } else if (agent.presence === 'logged_out') {
      this.#logIn(agent, to, reason ?? null);
    } else {
      this.state.setPresence(agent, to, reason ?? null);
    }
    return undefined;
  }

  #change(id: AgentId, to: 'ready' | 'not_ready', reason: string | undefined): Refusal | undefined {
    const agent = this.find(id);
    if ('code' in agent) return agent;
    if (agent.presence === 'logged_out') return refuse('ERR_NOT_LOGGED_IN', 'agent', `agent ${id} is not logged in`);
    const refusal = this.#checkReason(reason);
    if (refusal !== undefined) return refusal;
    if (to === 'ready') agent.misses = 0;
    this.state.setPresence(agent, to, reason ?? null);
    return undefined;
  }

  #checkReason(reason: string | undefined): Refusal | undefined {
    if (reason === undefined || this.#reasons.has(reason)) return undefined;
    return refuse('ERR_UNKNOWN_REASON', 'reason', `not-ready reason ${reason} is not one of ${[...this.#reasons].join(', ')}`);
  }

  #logIn(agent: AgentRecord, presence: 'ready' | 'not_ready', reason: string | null): void {
    agent.answered = 0;
    agent.talkMs = 0;
    agent.misses = 0;
    this.state.setPresence(agent, presence, reason);
  }

  /** Ringing offers are cancelled and their interactions go back to their place; wrap-ups end; work in progress finishes normally. */
  #logOut(agent: AgentRecord): void {
    const state = this.state;
    state.setPresence(agent, 'logged_out', null);
    for (const reservation of [...agent.offers.values()]) {
      state.endReservation(reservation, 'cancelled');
      state.returnToQueue(reservation.interaction);
    }
    for (const interaction of [...agent.work]) if (interaction.phase === 'wrap_up') state.endWrapUp(interaction);
  }
}
