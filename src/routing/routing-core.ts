/**
 * The routing core (issue 6, items 1 and 2): state + event → decisions, with no I/O and no
 * timers of its own. The caller passes the time with every event and calls again at `wakeAt`.
 * One core serves one tenant (or one shard of tenants whose ids do not collide).
 *
 * `handle` first fires every wake-up due by `now`, each at its own time (a ring timeout that
 * passed is handled as of when it passed), then applies the event, then matches: after every
 * call no waiting interaction has a free agent it could be offered to.
 */
import { AgentEvents } from './agent-events.js';
import type { AgentState, Presence } from './agent-state.js';
import { dispatch } from './dispatch.js';
import type { RoutingEvent, Step } from './events.js';
import { countingIds, type AgentId, type InteractionId, type QueueId, type ReservationId, type ReservationIdFactory } from './ids.js';
import { InteractionEvents } from './interaction-events.js';
import { seededRandom, type RandomSource } from './random.js';
import type { InteractionRecord } from './records.js';
import type { Refusal } from './refusal.js';
import { RoutingState } from './routing-state.js';
import type { ServiceLevelFigures } from './service-level.js';
import { defineAgent, defineQueue } from './setup-events.js';
import type { Channel } from './settings.js';

export interface RoutingCoreOptions {
  /** Makes reservation ids; default `r1`, `r2` … */
  newReservationId?: ReservationIdFactory;
  /** For the `random` strategy; default xorshift32 from `seed`. */
  random?: RandomSource;
  seed?: number;
  /** The tenant's not-ready reason codes; `missed` is always known. */
  notReadyReasons?: readonly string[];
  /** Offers in a row left unanswered before the agent is set not ready "missed" (default 1). */
  missedLimit?: number;
  /** How long an agent who let an interaction ring out is passed over for it (default 30 s). */
  reofferAfterSeconds?: number;
  /** How much waiting one level of priority is worth (default 30 s). */
  priorityStepSeconds?: number;
  /** The service level's sliding window (default 15 minutes). */
  serviceLevelWindowSeconds?: number;
  /** How many times one interaction may overflow, so two queues overflowing to each other cannot loop (default 8). */
  maxOverflows?: number;
}

export interface QueueStats {
  queue: QueueId;
  waiting: number;
  longestWaitMs: number;
  serviceLevel: ServiceLevelFigures & { targetPercent: number; thresholdSeconds: number };
  agents: Record<AgentState, number>;
}

export interface AgentView {
  agent: AgentId;
  state: AgentState;
  presence: Presence;
  reason: string | null;
  since: number;
  offers: ReservationId[];
  work: InteractionId[];
  used: Record<Channel, number>;
  answered: number;
  talkMs: number;
}

export class RoutingCore {
  readonly #state: RoutingState;
  readonly #agents: AgentEvents;
  readonly #interactions: InteractionEvents;
  readonly #serviceLevelWindowMs: number;

  constructor(options: RoutingCoreOptions = {}) {
    this.#state = new RoutingState({
      newReservationId: options.newReservationId ?? countingIds(),
      random: options.random ?? seededRandom(options.seed ?? 1),
      missedLimit: Math.max(1, options.missedLimit ?? 1),
      reofferAfterMs: (options.reofferAfterSeconds ?? 30) * 1000,
      priorityStepMs: (options.priorityStepSeconds ?? 30) * 1000,
      maxOverflows: options.maxOverflows ?? 8,
    });
    this.#serviceLevelWindowMs = (options.serviceLevelWindowSeconds ?? 900) * 1000;
    this.#agents = new AgentEvents(this.#state, options.notReadyReasons ?? ['break', 'lunch', 'meeting', 'training', 'other']);
    this.#interactions = new InteractionEvents(this.#state, this.#agents);
  }

  /** Applies one event at `now` (epoch ms; a time before the last one counts as the last one). */
  handle(event: RoutingEvent, now: number): Step {
    const state = this.#state;
    state.out = [];
    state.horizon = Math.max(now, state.now);
    for (let wakeUp = state.wakeUps.takeDue(state.horizon); wakeUp !== undefined; wakeUp = state.wakeUps.takeDue(state.horizon)) {
      state.now = wakeUp.at;
      wakeUp.fire(wakeUp.at);
      this.#match();
    }
    state.now = state.horizon;
    const refusal = this.#apply(event);
    if (refusal !== undefined) state.emit({ type: 'refused', event: event.type, ...refusal, at: state.now });
    state.settleTouched();
    state.forcedBy = null;
    this.#match();
    const decisions = state.out;
    state.out = [];
    return { decisions, wakeAt: state.wakeUps.peek()?.at ?? null };
  }

  queueStats(id: QueueId, now: number): QueueStats | undefined {
    const queue = this.#state.queues.get(id);
    if (queue === undefined) return undefined;
    const agents: Record<AgentState, number> = { logged_out: 0, ready: 0, not_ready: 0, reserved: 0, busy: 0, wrap_up: 0 };
    for (const agent of queue.members.keys()) agents[agent.reported.state]++;
    // Ringing an agent is still waiting for the customer: those are out of the list unless the queue rings all.
    const ringing = new Set<InteractionRecord>();
    for (const reservation of this.#state.reservations.values()) if (reservation.queue === queue && !reservation.interaction.inList) ringing.add(reservation.interaction);
    let oldest = queue.waiting.oldestQueuedAt();
    for (const interaction of ringing) if (oldest === null || interaction.queuedAt < oldest) oldest = interaction.queuedAt;
    const { percent, seconds } = queue.config.serviceLevel;
    return {
      queue: id,
      waiting: queue.waiting.length + ringing.size,
      longestWaitMs: oldest === null ? 0 : Math.max(0, now - oldest),
      serviceLevel: { ...queue.serviceLevel.figures(now), targetPercent: percent, thresholdSeconds: seconds },
      agents,
    };
  }

  agent(id: AgentId): AgentView | undefined {
    const agent = this.#state.agents.get(id);
    if (agent === undefined) return undefined;
    return {
      agent: id,
      state: agent.reported.state,
      presence: agent.presence,
      reason: agent.reason,
      since: agent.reported.since,
      offers: [...agent.offers.keys()],
      work: [...agent.work].map((interaction) => interaction.id),
      used: { ...agent.used },
      answered: agent.answered,
      talkMs: agent.talkMs,
    };
  }

  #match(): void {
    const state = this.#state;
    state.settleTouched();
    dispatch(state);
    state.settleTouched();
  }

  #apply(event: RoutingEvent): Refusal | undefined {
    const agents = this.#agents;
    const interactions = this.#interactions;
    switch (event.type) {
      case 'defineQueue':
        return defineQueue(this.#state, event.queue, this.#serviceLevelWindowMs);
      case 'defineAgent':
        return defineAgent(this.#state, event.agent);
      case 'defineReasons':
        return agents.defineReasons(event.reasons);
      case 'login':
        return agents.login(event.agent, event.reason);
      case 'logout':
        return agents.logout(event.agent);
      case 'ready':
        return agents.ready(event.agent);
      case 'notReady':
        return agents.notReady(event.agent, event.reason);
      case 'force':
        return agents.force(event.agent, event.to, event.reason, event.by);
      case 'enqueue':
        return interactions.enqueue(event.interaction);
      case 'callback':
        return interactions.callback(event.interaction);
      case 'accept':
        return interactions.accept(event.reservation);
      case 'reject':
        return interactions.reject(event.reservation);
      case 'assign':
        return interactions.assign(event.interaction, event.channel, event.agent, event.wrapUpSeconds);
      case 'end':
        return interactions.end(event.interaction);
      case 'extendWrapUp':
        return interactions.extendWrapUp(event.interaction, event.seconds);
      case 'endWrapUp':
        return interactions.endWrapUp(event.interaction);
      case 'tick':
        return undefined;
      default: {
        const unknown: never = event;
        throw new Error(`unknown routing event ${JSON.stringify(unknown)}`);
      }
    }
  }
}
