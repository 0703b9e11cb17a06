/**
 * One tenant's routing at work: the pure core fed with events, and its decisions carried out in
 * order. An offer is a reservation row first (refused by the database if the agent's slot is
 * taken, or if this node lost the tenant's lease), then the agent's phones ring while the caller
 * keeps hearing the queue; the first to answer is accepted by the core before the caller is
 * connected, so two agents can never both get one caller. Every step is published on the event
 * stream and written to the interaction's timeline.
 *
 * Only the reservation row is written before the INVITE (issue 6 §8; the first also inserts the
 * interaction's row, one round trip); the rest is stored behind it, in order (work-chains.ts).
 */
import { randomUUID } from 'node:crypto';
import type { AgentView, QueueStats } from './routing-core.js';
import { RoutingCore } from './routing-core.js';
import type { Decision, RoutingEvent } from './events.js';
import type { QueueSettings } from './settings.js';
import { asAgentId, asInteractionId, asQueueId, type AgentId, type InteractionId, type ReservationId } from './ids.js';
import type { QueueRequest, QueueTicket } from '../calls/index.js';
import type { InteractionOfferedData, TransferTarget } from '../events/index.js';
import { experienceOf } from './caller-experience.js';
import { OfferRinging } from './offer-ringing.js';
import type { AgentRow, CallbackCalls, Lease, QueueRow, RouterLog, RoutingEvents, RoutingStore, ScreenPopSource } from './ports.js';
import { QueueExits } from './queue-exits.js';
import { AgentEndpoints } from './remote-agent.js';
import { TransferredCalls } from './transferred-calls.js';
import { readScreenPop, WaitingCaller, type NextStop } from './waiting-caller.js';
import { nextTurn, WorkChains } from './work-chains.js';

export interface TenantRouterOptions {
  tenantId: string;
  lease: Lease;
  store: RoutingStore;
  events: RoutingEvents;
  log: RouterLog;
  now(): number;
  /** Places callbacks (C5); without it a caller cannot choose one, and an overflow to `callback` ends the wait. */
  callbacks?: CallbackCalls | undefined;
  /** The customer's records for the offer's screen pop (C6). */
  screenPop?: ScreenPopSource | undefined;
}

export class TenantRouter {
  readonly core = new RoutingCore({ newReservationId: randomUUID });
  readonly #waiting = new Map<InteractionId, WaitingCaller>();
  /** What each queue offers its callers, from its settings. */
  readonly #experience = new Map<string, ReturnType<typeof experienceOf>>();
  /** Each agent's offer or interaction now, with its screen pop (C6). */
  readonly #current = new Map<AgentId, InteractionOfferedData>();
  readonly #agents = new Map<AgentId, AgentRow>();
  /** Each queue's wrap-up, also for an agent a transfer gives one of its callers. */
  readonly #wrapUpSeconds = new Map<string, number>();
  /** The names of the tenant's queues: an agent's skills named so are the queues they serve. */
  #queues = new Set<string>();
  /** Live reservation slots per agent and channel, for the rows' unique index. */
  readonly #slots = new Map<ReservationId, { key: string; slot: number }>();
  #timer: NodeJS.Timeout | undefined;
  readonly #chains = new WorkChains((what, error) => this.options.log.warn({ tenant: this.options.tenantId, err: String(error) }, what));
  #stopped = false;
  readonly #transfers: TransferredCalls;
  readonly #exits: QueueExits;
  readonly #ringing: OfferRinging;
  /** Which agents take their calls at an outside number (A4). */
  readonly endpoints = new AgentEndpoints();

  constructor(private readonly options: TenantRouterOptions) {
    this.#transfers = new TransferredCalls({
      ...options,
      step: (event) => this.step(event),
      after: (work) => this.#chains.after(work),
      record: (work) => void this.#chains.record(work),
      wrapUpSeconds: (queue) => this.#wrapUpSeconds.get(queue) ?? 0,
      agentByExtension: (extension) => [...this.#agents.values()].find((agent) => agent.extension === extension),
      current: this.#current,
      forget: (interaction) => this.#waiting.delete(interaction),
      connectedOn: (sipCallId) => [...this.#waiting.values()].find((w) => w.request.sipCallId === sipCallId && w.state === 'connected'),
    });
    this.#ringing = new OfferRinging({
      ...options,
      chains: this.#chains,
      transfers: this.#transfers,
      endpoints: this.endpoints,
      step: (event) => this.step(event),
      waitingOf: (interaction) => this.#waiting.get(interaction),
      agent: (id) => this.#agents.get(id),
      callbackPolicy: (queue) => (this.#experience.get(queue) ?? experienceOf({})).callback,
    });
    this.#exits = new QueueExits({ ...options, waiting: this.#waiting, interactionOf: (work) => this.#transfers.interactionOf(work), step: (event) => this.step(event), after: (work) => this.#chains.after(work) });
  }

  get lease(): Lease {
    return this.options.lease;
  }

  /** Defines (or redefines, live) the tenant's queues and agents; an agent serves the queues named in their skills. */
  configure(queues: QueueRow[], agents: AgentRow[], reasons: string[]): Decision[] {
    this.#queues = new Set(queues.map((q) => q.name));
    this.endpoints.configure(queues);
    const out: Decision[] = [...this.step({ type: 'defineReasons', reasons })];
    for (const queue of queues) {
      this.#experience.set(queue.name, experienceOf(queue.settings));
      this.#wrapUpSeconds.set(queue.name, typeof queue.settings.wrapUpSeconds === 'number' ? queue.settings.wrapUpSeconds : 0);
    }
    // Twice: a queue may overflow to one defined after it, so first without overflows.
    for (const queue of queues) {
      const { overflow: _overflow, maxWaitSeconds: _maxWait, overflowWhenUnstaffed: _unstaffed, ...plain } = queue.settings;
      out.push(...this.step({ type: 'defineQueue', queue: { ...plain, id: queue.name } as QueueSettings }));
    }
    for (const queue of queues) out.push(...this.step({ type: 'defineQueue', queue: { ...queue.settings, id: queue.name } as QueueSettings }));
    for (const agent of agents) {
      if (agent.disabled) continue;
      this.#agents.set(asAgentId(agent.id), agent);
      out.push(
        ...this.step({
          type: 'defineAgent',
          agent: { id: agent.id, queues: this.queuesOf(agent), skills: agent.skills },
        }),
      );
    }
    return out;
  }

  agentRow(id: string): AgentRow | undefined {
    return this.#agents.get(asAgentId(id));
  }

  /**
   * The agent now, their work named by interaction: a transfer gives the receiving agent work of
   * its own id in the core, which the API (the desktop's screen pop) must not see.
   */
  agent(id: string): AgentView | undefined {
    const view = this.core.agent(asAgentId(id));
    return view === undefined ? undefined : { ...view, work: view.work.map((work) => this.#transfers.interactionOf(work)) };
  }

  /** The core's id of the agent's first work: what wrap-up commands name. */
  firstWork(id: string): InteractionId | undefined {
    return this.core.agent(asAgentId(id))?.work[0];
  }

  /** The agent's offer or interaction now, as offered (with its screen pop); undefined when none. */
  current(id: string): InteractionOfferedData | undefined {
    return this.#current.get(asAgentId(id));
  }

  stats(queue: string): QueueStats | undefined {
    return this.core.queueStats(asQueueId(queue), this.options.now());
  }

  /** Applies one event; its decisions are carried out in order after those before them. */
  step(event: RoutingEvent): Decision[] {
    if (this.#stopped) return [];
    const { decisions, wakeAt } = this.core.handle(event, this.options.now());
    this.wake(wakeAt);
    this.#chains.decide(() => this.carryOut(decisions));
    return decisions;
  }

  /** A flow's caller enters a queue. */
  async enqueue(request: QueueRequest): Promise<QueueTicket> {
    const id = asInteractionId(randomUUID());
    const experience = this.#experience.get(request.queue) ?? experienceOf({});
    const waiting = new WaitingCaller(id, request, this.options.now(), this.options.callbacks === undefined ? { ...experience.experience, callback: undefined } : experience.experience, () =>
      this.#exits.chooseCallback(id),
    );
    this.#waiting.set(id, waiting);
    void request.channel.ended.then(() => {
      if (waiting.state === 'waiting') this.step({ type: 'end', interaction: waiting.queuedAs });
    });
    // Decided first: an offer's reservation (which inserts the interaction's row) goes first,
    // and the row's own insert is the first of the records behind it.
    const refused = this.step({
      type: 'enqueue',
      interaction: { id, channel: 'voice', queue: asQueueId(request.queue), priority: request.priority, vip: request.vip, skills: request.skills },
    }).find((d) => d.type === 'refused');
    void this.#chains.record(async () => {
      await this.options.store.createInteraction(this.options.tenantId, waiting.row());
      waiting.rowStored = true;
    });
    // Read while the offer is made: the agent's INVITE does not wait for it, their screen's event does.
    waiting.screenPop = nextTurn().then(() => readScreenPop(this.options.screenPop, this.options.tenantId, this.options.log, waiting));
    if (refused !== undefined) {
      this.#waiting.delete(id);
      this.options.log.warn({ tenant: this.options.tenantId, queue: request.queue, reason: refused.message }, 'caller not queued');
      const endedAt = new Date();
      void this.#chains.record(() => this.options.store.updateInteraction(this.options.tenantId, id, { state: 'ended', endedAt, endCause: 'refused', waitedMs: 0 }));
      waiting.finish({ served: false, reason: 'overflow', target: { kind: 'callback' } });
    }
    if (request.channel.hungUp && waiting.state === 'waiting') this.step({ type: 'end', interaction: id });
    return waiting;
  }

  /** A transfer of the connected caller of `sipCallId` to a queue or a flow; false when no queue's caller is on that call. */
  releaseFor(sipCallId: string, next: NextStop, release: () => Promise<unknown>): Promise<boolean> {
    return this.#transfers.releaseFor(sipCallId, next, release);
  }

  /** Names what the next transfer of the caller on `sipCallId` reaches (a department), or forgets it. */
  transferTarget(sipCallId: string, target: TransferTarget | undefined): void {
    const waiting = [...this.#waiting.values()].find((w) => w.request.sipCallId === sipCallId);
    if (waiting !== undefined) waiting.transferTarget = target;
  }

  /** Stops timers and ringing; the lease is the service's to release. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const waiting of this.#waiting.values()) for (const cancel of waiting.offers.values()) cancel();
  }

  /** Waits until every decision so far has been carried out and stored (tests, shutdown). */
  settled(): Promise<void> {
    return this.#chains.settled();
  }

  private wake(at: number | null): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (at === null || this.#stopped) return;
    this.#timer = setTimeout(() => this.step({ type: 'tick' }), Math.max(0, at - this.options.now()));
  }

  private async carryOut(decisions: Decision[]): Promise<void> {
    for (const decision of decisions) await this.carry(decision);
  }

  private async carry(d: Decision): Promise<void> {
    const { store, tenantId, events } = this.options;
    const at = new Date(d.at);
    // The core's id of a queue presence or an agent's work, and the interaction it belongs to.
    const id = 'interaction' in d ? this.#transfers.interactionOf(d.interaction) : undefined;
    switch (d.type) {
      case 'offer': {
        const key = `${d.agent}\n${d.channel}`;
        const used = new Set([...this.#slots.values()].filter((s) => s.key === key).map((s) => s.slot));
        let slot = 0;
        while (used.has(slot)) slot++;
        this.#slots.set(d.reservation, { key, slot });
        const waiting = this.#waiting.get(id!);
        const reservation = { id: d.reservation, tenantId, interactionId: id!, agentId: d.agent, channel: d.channel, slot, offeredAt: at, expiresAt: new Date(d.expiresAt) };
        // The only write before the INVITE: the reservation, with the interaction's row while it
        // is not known to be stored. The phone's bindings and media are made ready beside it.
        const writing = store.reserve(this.options.lease, reservation, waiting === undefined || waiting.rowStored ? undefined : waiting.row());
        this.#ringing.ring(
          d,
          writing.then(
            (written) => written === 'reserved',
            () => false,
          ),
        );
        const written = await writing;
        if (written !== 'reserved') {
          this.options.log.warn({ tenant: tenantId, reservation: d.reservation, agent: d.agent, written }, 'reservation refused by the database: offer withdrawn');
          this.#slots.delete(d.reservation);
          this.step({ type: 'reject', reservation: d.reservation });
          return;
        }
        if (waiting !== undefined) waiting.rowStored = true;
        const offered: InteractionOfferedData = { interactionId: id!, queueId: d.queue, agentId: d.agent, reservationId: d.reservation, channel: d.channel, mode: d.mode, expiresAt: d.expiresAt };
        this.#current.set(d.agent, offered);
        // The agent's screen gets the offer with the caller's records (C6) once its timeline lets them read it.
        void this.#chains.stored(
          async () => {
            await store.updateInteraction(tenantId, id!, { state: 'offered' }, { at, kind: 'offered', agentId: d.agent, detail: { reservation: d.reservation, queue: d.queue } });
            const screenPop = await waiting?.screenPop;
            if (screenPop !== undefined) offered.screenPop = screenPop;
          },
          () => events.publish(tenantId, { type: 'interaction.offered', data: offered }),
        );
        return;
      }
      case 'reservationEnded': {
        this.#slots.delete(d.reservation);
        if (d.outcome !== 'accepted' && this.#current.get(d.agent)?.reservationId === d.reservation) this.#current.delete(d.agent);
        // Before the slot is reserved again: the partial unique index sees it ended.
        await store.endReservation(this.options.lease, d.reservation, d.outcome, at);
        if (d.outcome === 'timed_out' || d.outcome === 'cancelled') this.#waiting.get(id!)?.offers.get(d.reservation)?.();
        void this.#chains.record(() => store.addEvent(tenantId, id!, { at, kind: 'reservation_ended', agentId: d.agent, detail: { reservation: d.reservation, outcome: d.outcome } }));
        return;
      }
      case 'queued': {
        const waiting = this.#waiting.get(id!);
        if (waiting !== undefined) waiting.queue = d.queue;
        void this.#chains.stored(
          async () => {
            await store.updateInteraction(tenantId, id!, { state: 'waiting', queue: d.queue }, { at, kind: 'queued', detail: { queue: d.queue, position: d.position, requeued: d.requeued } });
          },
          () => events.publish(tenantId, { type: 'interaction.queued', data: { interactionId: id!, queueId: d.queue, channel: 'voice', position: d.position, requeued: d.requeued } }),
        );
        events.queueChanged(tenantId, d.queue);
        return;
      }
      case 'announce':
        this.#waiting.get(id!)?.announce?.(d.position, d.expectedWaitSeconds);
        void this.#chains.record(() => store.addEvent(tenantId, id!, { at, kind: 'announce', detail: { position: d.position, expectedWaitSeconds: d.expectedWaitSeconds } }));
        return;
      case 'overflow':
        // Its records first: the caller's flow goes on once the overflow is stored.
        void this.#chains.record(() => this.#exits.overflow(d));
        return;
      case 'abandoned': {
        this.#waiting.get(id!)?.finish({ served: false, reason: 'hangup' });
        this.#waiting.delete(id!);
        this.#transfers.forgotten(d.interaction);
        void this.#chains.stored(
          async () => {
            await store.updateInteraction(tenantId, id!, { state: 'ended', endedAt: at, endCause: 'abandoned', waitedMs: d.waitedMs }, { at, kind: 'abandoned', detail: { queue: d.queue, waitedMs: d.waitedMs } });
          },
          () => events.publish(tenantId, { type: 'interaction.ended', data: { interactionId: id!, queueId: d.queue, agentId: null, outcome: 'abandoned', waitedMs: d.waitedMs, talkMs: null } }),
        );
        events.queueChanged(tenantId, d.queue);
        return;
      }
      case 'ended': {
        if (this.#transfers.workEnded(d)) return;
        const waiting = this.#waiting.get(id!);
        this.#waiting.delete(id!);
        if (this.#current.get(d.agent)?.interactionId === id) this.#current.delete(d.agent);
        const endCause = waiting?.endCause;
        void this.#chains.stored(
          async () => {
            await store.updateInteraction(
              tenantId,
              id!,
              { state: 'ended', endedAt: at, endCause: endCause ?? 'completed' },
              { at, kind: 'ended', agentId: d.agent, detail: { talkMs: d.talkMs, ...(endCause === undefined ? {} : { cause: endCause }) } },
            );
          },
          () => events.publish(tenantId, { type: 'interaction.ended', data: { interactionId: id!, queueId: waiting?.queue ?? null, agentId: d.agent, outcome: 'completed', waitedMs: null, talkMs: d.talkMs } }),
        );
        if (waiting !== undefined) events.queueChanged(tenantId, waiting.queue);
        return;
      }
      case 'wrapUp':
        if (d.phase === 'ended') this.#transfers.wrapUpEnded(d.interaction);
        void this.#chains.record(() => store.addEvent(tenantId, id!, { at, kind: 'wrap_up', agentId: d.agent, detail: { phase: d.phase, endsAt: new Date(d.endsAt).toISOString() } }));
        return;
      case 'agentState': {
        if (d.to === 'logged_out') this.endpoints.use(d.agent, 'phone');
        void this.#chains.stored(
          () => store.logAgentState(tenantId, { agentId: d.agent, from: d.from, to: d.to, reason: d.reason, presence: d.presence, by: d.by, at }),
          () => events.publish(tenantId, { type: 'agent.state', data: { agentId: d.agent, from: d.from, to: d.to, reason: d.reason, presence: d.presence, by: d.by } }),
        );
        const row = this.#agents.get(d.agent);
        for (const queue of row === undefined ? [] : this.queuesOf(row)) events.queueChanged(tenantId, queue);
        return;
      }
      case 'refused':
        return;
    }
  }

  /** The queues an agent serves: their skills that name one of the tenant's queues. */
  private queuesOf(agent: AgentRow): string[] {
    return Object.keys(agent.skills).filter((skill) => this.#queues.has(skill));
  }
}
