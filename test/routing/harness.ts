/**
 * A routing core driven on a fake clock, remembering every decision it made, with short ways to
 * say "agent a1 logs in" or "the offer to a2 is answered" in tests.
 */
import assert from 'node:assert/strict';
import {
  asAgentId,
  asInteractionId,
  asQueueId,
  RoutingCore,
  type AgentProfile,
  type Decision,
  type InteractionRequest,
  type QueueSettings,
  type RoutingCoreOptions,
  type RoutingEvent,
} from '../../src/routing/index.js';

export type DecisionOf<T extends Decision['type']> = Extract<Decision, { type: T }>;

export class Harness {
  readonly core: RoutingCore;
  readonly log: Decision[] = [];
  now = 1_000_000;
  wakeAt: number | null = null;

  constructor(options: RoutingCoreOptions = {}) {
    this.core = new RoutingCore(options);
  }

  /** Sends an event and returns the decisions it produced. */
  send(event: RoutingEvent): Decision[] {
    const step = this.core.handle(event, this.now);
    this.wakeAt = step.wakeAt;
    this.log.push(...step.decisions);
    return step.decisions;
  }

  /** Moves the clock on and ticks. */
  advance(seconds: number): Decision[] {
    this.now += seconds * 1000;
    return this.send({ type: 'tick' });
  }

  queue(settings: QueueSettings): void {
    this.#applied(this.send({ type: 'defineQueue', queue: settings }));
  }

  agent(profile: AgentProfile, login = true): void {
    this.#applied(this.send({ type: 'defineAgent', agent: profile }));
    if (login) this.#applied(this.send({ type: 'login', agent: asAgentId(profile.id) }));
  }

  enqueue(request: InteractionRequest): Decision[] {
    return this.#applied(this.send({ type: 'enqueue', interaction: request }));
  }

  /** The live offer made to this agent (the last one made to them). */
  offerTo(agent: string): DecisionOf<'offer'> {
    const offer = this.of('offer').filter((decision) => decision.agent === agent).at(-1);
    assert.ok(offer, `no offer to ${agent}`);
    return offer;
  }

  accept(agent: string): Decision[] {
    return this.#applied(this.send({ type: 'accept', reservation: this.offerTo(agent).reservation }));
  }

  end(interaction: string): Decision[] {
    return this.#applied(this.send({ type: 'end', interaction: asInteractionId(interaction) }));
  }

  /** Which agent each interaction was offered to, in order. */
  offered(decisions: Decision[] = this.log): string[] {
    return decisions.filter((decision) => decision.type === 'offer').map((decision) => `${decision.interaction}→${decision.agent}`);
  }

  of<T extends Decision['type']>(type: T, decisions: Decision[] = this.log): DecisionOf<T>[] {
    return decisions.filter((decision): decision is DecisionOf<T> => decision.type === type);
  }

  stats(queue: string) {
    const stats = this.core.queueStats(asQueueId(queue), this.now);
    assert.ok(stats);
    return stats;
  }

  state(agent: string): string {
    const view = this.core.agent(asAgentId(agent));
    assert.ok(view);
    return view.state === 'not_ready' ? `not_ready(${view.reason})` : view.state;
  }

  #applied(decisions: Decision[]): Decision[] {
    const refused = decisions.find((decision) => decision.type === 'refused');
    assert.equal(refused, undefined, `refused: ${JSON.stringify(refused)}`);
    return decisions;
  }
}
