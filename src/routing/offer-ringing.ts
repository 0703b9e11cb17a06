/**
 * Ringing an agent for an offer once its reservation row is stored: the agent's phones (or, for an
 * agent logged in remotely, their outside number, screened), or for a callback the agent first
 * and then the customer (callback-call.ts). The agent's answer is accepted by the core before the
 * caller is connected, so two agents never both get one caller; busy, unreachable or unanswered
 * before the core's own ring timeout rejects the offer.
 */
import type { CallbackPolicy } from './caller-experience.js';
import { placeCallback } from './callback-call.js';
import type { Decision, RoutingEvent } from './events.js';
import type { AgentId, InteractionId } from './ids.js';
import type { AgentRow, CallbackCalls, RouterLog, RoutingEvents, RoutingStore } from './ports.js';
import type { AgentEndpoints } from './remote-agent.js';
import type { TransferredCalls } from './transferred-calls.js';
import type { WaitingCaller } from './waiting-caller.js';
import type { WorkChains } from './work-chains.js';

type Offer = Extract<Decision, { type: 'offer' }>;

/** Slack after the core's ring timeout before the phone's own INVITE gives up. */
const RING_SLACK_MS = 2000;

export interface OfferRingingContext {
  tenantId: string;
  store: RoutingStore;
  events: RoutingEvents;
  log: RouterLog;
  now(): number;
  callbacks?: CallbackCalls | undefined;
  chains: WorkChains;
  transfers: TransferredCalls;
  endpoints: AgentEndpoints;
  step(event: RoutingEvent): Decision[];
  waitingOf(interaction: InteractionId): WaitingCaller | undefined;
  agent(id: AgentId): AgentRow | undefined;
  /** How the queue calls back a caller who chose it (C5). */
  callbackPolicy(queue: string): CallbackPolicy;
}

export class OfferRinging {
  constructor(private readonly context: OfferRingingContext) {}

  /**
   * Rings the agent for `offer` once its reservation is `stored` (false: refused, and the core is
   * told so by whoever wrote it); the phone's bindings and media are made ready meanwhile. The
   * core hears how it went.
   */
  ring(offer: Offer, stored: Promise<boolean>): void {
    const { context } = this;
    const waiting = context.waitingOf(context.transfers.interactionOf(offer.interaction));
    const agent = context.agent(offer.agent);
    if (waiting === undefined || agent === undefined || (offer.mode === 'callback' && context.callbacks === undefined)) {
      void stored.then((ok) => ok && context.step({ type: 'reject', reservation: offer.reservation }));
      return;
    }
    let cancel: () => void = () => undefined;
    const cancelled = new Promise<void>((resolve) => (cancel = resolve));
    waiting.offers.set(offer.reservation, cancel);
    const timeoutMs = Math.max(1000, offer.expiresAt - context.now()) + RING_SLACK_MS;
    const reach = context.endpoints.dialFor(agent, waiting.queue);
    if (offer.mode === 'callback') {
      const callback = { ...context, calls: context.callbacks!, answered: (o: Offer, w: WaitingCaller, a: AgentRow) => this.answerStored(w, o, a) };
      stored
        .then((ok) => (ok ? placeCallback(callback, offer, waiting, agent, reach, context.callbackPolicy(waiting.queue), cancelled, timeoutMs) : undefined))
        .catch((error: unknown) => context.log.warn({ tenant: context.tenantId, reservation: offer.reservation, err: String(error) }, 'callback failed'))
        .finally(() => waiting.offers.delete(offer.reservation));
      return;
    }
    void waiting.request.channel
      .dial({
        ...reach,
        timeoutMs,
        ringback: false,
        cancel: cancelled,
        ready: stored,
        onAnswer: () => this.answered(waiting, offer, agent),
        onTransfer: (transfer) => context.transfers.moved(waiting, transfer),
      })
      .then((outcome) => {
        waiting.offers.delete(offer.reservation);
        if (outcome.answered) {
          const left = context.transfers.over(waiting, { served: true, agent: agent.extension });
          if (left !== undefined) waiting.finish(left);
        } else if (outcome.reason !== 'cancelled' && outcome.reason !== 'hangup') {
          // Busy, unreachable or unanswered before the core's own ring timeout.
          context.step({ type: 'reject', reservation: offer.reservation });
        }
      })
      .catch((error: unknown) => {
        context.log.warn({ tenant: context.tenantId, reservation: offer.reservation, err: String(error) }, 'ringing the agent failed');
        context.step({ type: 'reject', reservation: offer.reservation });
      });
  }

  /** The agent's phone answered: the core must accept it before the caller is connected. */
  private async answered(waiting: WaitingCaller, offer: Offer, agent: AgentRow): Promise<boolean> {
    if (waiting.state !== 'waiting' || waiting.request.channel.hungUp) return false;
    const refused = this.context.step({ type: 'accept', reservation: offer.reservation }).some((d) => d.type === 'refused');
    if (refused) return false;
    waiting.state = 'connected';
    waiting.agent = agent;
    waiting.work = offer.interaction;
    void this.answerStored(waiting, offer, agent);
    // D2: the caller hears the agent's number before being connected.
    await waiting.agentAnswered(agent.extension);
    return true;
  }

  /** Stores and publishes that the agent answered the offer; settles once stored. */
  private answerStored(waiting: WaitingCaller, offer: Offer, agent: AgentRow): Promise<void> {
    const now = new Date(this.context.now());
    const { store, tenantId, events, chains } = this.context;
    return chains.stored(
      async () => {
        await store.updateInteraction(
          tenantId,
          waiting.id,
          { state: 'connected', answeredAt: now, agentId: offer.agent, waitedMs: now.getTime() - waiting.since },
          { at: now, kind: 'answered', agentId: offer.agent, detail: { extension: agent.extension } },
        );
      },
      () => events.publish(tenantId, { type: 'interaction.answered', data: { interactionId: waiting.id, queueId: offer.queue, agentId: offer.agent, reservationId: offer.reservation, channel: offer.channel } }),
    );
  }
}
