/**
 * Transfers reported to routing (D2): when a transfer moves a queued caller on from the agent who
 * had them (Kefu's blind or consult transfer, or the agent's phone's REFER), that agent's work on
 * the interaction ends at once — wrap-up starts then, not when the caller hangs up — and the
 * interaction's timeline gets a `transferred` entry. An agent who receives the caller becomes busy
 * with the same interaction.
 *
 * The core knows each agent's work on an interaction by an id: the interaction's own for the
 * agent who answered it from the queue, a fresh one (mapped back here) for each agent a transfer
 * gives it to, so the first agent's wrap-up and the next agent's call are separate work.
 */
import { randomUUID } from 'node:crypto';
import type { CallTransfer, QueueOutcome } from '../calls/index.js';
import type { InteractionOfferedData, TransferTarget } from '../events/index.js';
import type { Decision, RoutingEvent } from './events.js';
import { asAgentId, asInteractionId, asQueueId, type AgentId, type InteractionId } from './ids.js';
import type { AgentRow, RoutingEvents, RoutingStore } from './ports.js';
import type { NextStop, WaitingCaller } from './waiting-caller.js';

export interface TransferContext {
  tenantId: string;
  store: RoutingStore;
  events: RoutingEvents;
  now(): number;
  step(event: RoutingEvent): Decision[];
  /** Runs `work` after every decision so far has been carried out. */
  after(work: () => Promise<void>): void;
  /** Stores (and publishes) after the records of the decisions carried out so far, off the offers' path. */
  record(work: () => Promise<void>): void;
  agentByExtension(extension: string): AgentRow | undefined;
  /** The wrap-up of the queue's calls. */
  wrapUpSeconds(queue: string): number;
  /** Each agent's offer or interaction now (the screen pop). */
  current: Map<AgentId, InteractionOfferedData>;
  /** The interaction is over for routing: its caller is forgotten. */
  forget(interaction: InteractionId): void;
  /** The queue's caller connected to an agent on the call `sipCallId`. */
  connectedOn(sipCallId: string): WaitingCaller | undefined;
}

/** A work the core was told to end because its caller was transferred away. */
interface Leaving {
  interaction: InteractionId;
  from: AgentRow;
  to: TransferTarget;
  target: string;
  mode: CallTransfer['mode'];
}

export class TransferredCalls {
  /** The agents' works a transfer gave an interaction, to the interaction. */
  readonly #workOf = new Map<InteractionId, InteractionId>();
  readonly #leaving = new Map<InteractionId, Leaving>();

  constructor(private readonly context: TransferContext) {}

  /**
   * A transfer of the connected caller of `sipCallId` to a queue (D2) or a flow (B12): `release`
   * lets their agent go, and the caller then goes on there (see `over`). False when no queue's
   * caller is connected on that call.
   */
  async releaseFor(sipCallId: string, next: NextStop, release: () => Promise<unknown>): Promise<boolean> {
    const waiting = this.context.connectedOn(sipCallId);
    if (waiting === undefined) return false;
    waiting.next = next;
    try {
      await release();
    } catch (error) {
      waiting.next = undefined;
      throw error;
    }
    return true;
  }

  /** The interaction a work of the core belongs to. */
  interactionOf(work: InteractionId): InteractionId {
    return this.#workOf.get(work) ?? work;
  }

  /** The caller of `waiting` was connected to `transfer.to`: the agent who had them is released. */
  moved(waiting: WaitingCaller, transfer: CallTransfer, target?: TransferTarget): void {
    const { step, after } = this.context;
    const receiving = target === undefined ? this.context.agentByExtension(transfer.to) : undefined;
    const to: TransferTarget = target ?? waiting.transferTarget ?? (receiving === undefined ? { kind: 'number', number: transfer.to } : { kind: 'agent', agentId: receiving.id });
    waiting.transferTarget = undefined;
    const { work, agent: from } = waiting;
    const shown = [...this.context.current.values()].find((o) => o.interactionId === waiting.id);
    waiting.work = undefined;
    waiting.agent = undefined;
    if (work !== undefined && from !== undefined) {
      this.#leaving.set(work, { interaction: waiting.id, from, to, target: transfer.to, mode: transfer.mode });
      step({ type: 'end', interaction: work });
    } else {
      // Moved on from someone who is not an agent (a number it was transferred to before).
      const at = new Date(this.context.now());
      after(() => this.transferred(waiting.id, null, { to, target: transfer.to, mode: transfer.mode }, at, {}));
    }
    if (receiving === undefined) return;
    const next = asInteractionId(randomUUID());
    const assign: RoutingEvent = { type: 'assign', interaction: next, channel: 'voice', agent: asAgentId(receiving.id), wrapUpSeconds: this.context.wrapUpSeconds(waiting.queue) };
    if (step(assign).some((d) => d.type === 'refused')) return;
    this.#workOf.set(next, waiting.id);
    waiting.work = next;
    waiting.agent = receiving;
    after(() => this.received(waiting, receiving, shown));
  }

  /**
   * The core ended a work (its `ended` decision): true when a transfer ended it, and the timeline
   * then says so instead of the interaction ending.
   */
  workEnded(d: Extract<Decision, { type: 'ended' }>): boolean {
    if (d.wrapUpEndsAt === null) this.#workOf.delete(d.interaction);
    const leaving = this.#leaving.get(d.interaction);
    if (leaving === undefined) return false;
    this.#leaving.delete(d.interaction);
    const { current } = this.context;
    if (current.get(d.agent)?.interactionId === leaving.interaction) current.delete(d.agent);
    this.context.record(() => this.transferred(leaving.interaction, leaving.from, leaving, new Date(d.at), { talkMs: d.talkMs }));
    return true;
  }

  /** A wrap-up ended: a work a transfer gave is no longer needed by its id. */
  wrapUpEnded(work: InteractionId): void {
    this.#workOf.delete(work);
  }

  /**
   * The caller's connection to their party ended (the caller or the last party left, or the party
   * was released for a transfer to a queue or a flow). Back to a queue: undefined, the caller waits
   * again. Else the agent with the interaction now ends their work as usual, or, with nobody
   * (transferred to a number, handed to a flow), the interaction simply ends; the answer is how
   * the caller left the queue, for their flow.
   */
  over(waiting: WaitingCaller, served: QueueOutcome): QueueOutcome | undefined {
    const next = waiting.next;
    waiting.next = undefined;
    let outcome = served;
    if (next !== undefined && !waiting.request.channel.hungUp) {
      if ('queue' in next) {
        this.moved(waiting, { to: next.queue, mode: 'blind' }, { kind: 'queue', queueId: next.queue });
        if (this.requeue(waiting, next.queue)) return undefined;
      } else {
        const name = 'flow' in next.hand ? next.hand.flow : next.hand.node;
        this.moved(waiting, { to: name, mode: 'blind' }, { kind: 'flow', flowId: name });
        outcome = { served: false, reason: 'handed', to: next.hand };
      }
    }
    if (waiting.work !== undefined) {
      this.context.step({ type: 'end', interaction: waiting.work });
      return outcome;
    }
    const { store, tenantId, events } = this.context;
    const at = new Date(this.context.now());
    this.context.forget(waiting.id);
    this.context.after(async () => {
      await store.updateInteraction(tenantId, waiting.id, { state: 'ended', endedAt: at, endCause: 'completed' }, { at, kind: 'ended', detail: { cause: 'completed' } });
      events.publish(tenantId, { type: 'interaction.ended', data: { interactionId: waiting.id, queueId: waiting.queue, agentId: null, outcome: 'completed', waitedMs: null, talkMs: null } });
    });
    return outcome;
  }

  /**
   * The agent was released for a transfer of the caller to `queue`: the caller enters the queue
   * again with the priority, VIP flag and skills they came with. False when the core refused (no
   * such queue any more): the conversation is over.
   */
  private requeue(waiting: WaitingCaller, queue: string): boolean {
    const { priority, vip, skills } = waiting.request;
    const queued = asInteractionId(randomUUID());
    this.#workOf.set(queued, waiting.id);
    const refused = this.context.step({ type: 'enqueue', interaction: { id: queued, channel: 'voice', queue: asQueueId(queue), priority, vip, skills } }).some((d) => d.type === 'refused');
    if (refused) {
      this.#workOf.delete(queued);
      return false;
    }
    waiting.requeued(queue, queued);
    return true;
  }

  /** A queue presence ended without an agent's work (abandoned, overflowed): its id is no longer needed. */
  forgotten(queued: InteractionId): void {
    this.#workOf.delete(queued);
  }

  private async transferred(interaction: InteractionId, from: AgentRow | null, transfer: Omit<Leaving, 'interaction' | 'from'>, at: Date, extra: Record<string, unknown>): Promise<void> {
    const { store, tenantId, events } = this.context;
    const detail = { from: from?.extension ?? null, to: transfer.target, target: transfer.to, mode: transfer.mode, ...extra };
    await store.addEvent(tenantId, interaction, { at, kind: 'transferred', agentId: from?.id ?? null, detail });
    events.publish(tenantId, { type: 'interaction.transferred', data: { interactionId: interaction, agentId: from?.id ?? null, to: transfer.to, mode: transfer.mode } });
  }

  /** The receiving agent has the interaction: stored, published, and on their screen. */
  private async received(waiting: WaitingCaller, agent: AgentRow, shown: InteractionOfferedData | undefined): Promise<void> {
    const { store, tenantId, events, current } = this.context;
    const at = new Date(this.context.now());
    await store.updateInteraction(tenantId, waiting.id, { agentId: agent.id }, { at, kind: 'answered', agentId: agent.id, detail: { extension: agent.extension, transferred: true } });
    // The screen pop of the interaction as first offered.
    if (shown !== undefined) current.set(asAgentId(agent.id), { ...shown, agentId: agent.id });
    events.publish(tenantId, { type: 'interaction.answered', data: { interactionId: waiting.id, queueId: null, agentId: agent.id, reservationId: null, channel: 'voice' } });
  }
}
