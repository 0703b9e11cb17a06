/**
 * The routing core's state and the moves that keep its invariants: an offer takes one slot of
 * the agent's channel and (unless the queue rings all) takes the interaction out of the waiting
 * list; every reservation ends once and gives its slot back unless accepted; work gives its
 * slot back when it ends or its wrap-up does. Each move records its decisions in `out`, and
 * marks what changed as dirty for the matcher (dispatch.ts) and as touched for the agent state.
 */
import { agentStateOf, canMoveAgent, IllegalAgentTransitionError, MISSED_REASON, type Presence } from './agent-state.js';
import type { Decision, ReservationOutcome } from './events.js';
import { asReservationId, type AgentId, type InteractionId, type QueueId, type ReservationId, type ReservationIdFactory } from './ids.js';
import type { RandomSource } from './random.js';
import type { AgentRecord, InteractionRecord, QueueRecord, Reservation } from './records.js';
import { channels, type Channel, type OverflowTarget } from './settings.js';
import { WaitingList } from './waiting-list.js';
import { WakeUps } from './wake-ups.js';

/** A VIP's key is this much lower than anyone else's: ahead of every non-VIP (about 3,000 years). */
const VIP_AHEAD_MS = 1e14;

export interface StateOptions {
  newReservationId: ReservationIdFactory;
  random: RandomSource;
  missedLimit: number;
  reofferAfterMs: number;
  priorityStepMs: number;
  maxOverflows: number;
}

export class RoutingState {
  readonly queues = new Map<QueueId, QueueRecord>();
  readonly agents = new Map<AgentId, AgentRecord>();
  readonly interactions = new Map<InteractionId, InteractionRecord>();
  readonly reservations = new Map<ReservationId, Reservation>();
  readonly wakeUps = new WakeUps();
  readonly dirtyAgents = new Set<AgentRecord>();
  readonly dirtyInteractions = new Set<InteractionRecord>();
  readonly touched = new Set<AgentRecord>();
  out: Decision[] = [];
  now = 0;
  /** The time the current `handle` runs up to, while wake-ups catch up to it. */
  horizon = 0;
  /** The supervisor whose forced change is being applied. */
  forcedBy: string | null = null;
  #joined = 0;
  #seq = 0;

  constructor(readonly options: StateOptions) {}

  emit(decision: Decision): void {
    this.out.push(decision);
  }

  join(queue: QueueRecord, agent: AgentRecord): void {
    queue.members.set(agent, ++this.#joined);
    if (agent.presence === 'ready') queue.staffed++;
  }

  leave(queue: QueueRecord, agent: AgentRecord): void {
    queue.members.delete(agent);
    if (agent.presence === 'ready') queue.staffed--;
    for (const free of queue.free.values()) free.delete(agent);
  }

  /** Puts the agent in or out of each of their queues' free sets, after any change of presence, capacity or slots. */
  refreshFree(agent: AgentRecord): void {
    for (const queue of agent.queues) {
      for (const channel of channels) {
        const free = queue.free.get(channel)!;
        if (this.hasFreeSlot(agent, channel)) free.add(agent);
        else free.delete(agent);
      }
    }
  }

  hasFreeSlot(agent: AgentRecord, channel: Channel): boolean {
    return agent.presence === 'ready' && agent.used[channel] < (agent.config.capacity[channel] ?? 0);
  }

  setPresence(agent: AgentRecord, presence: Presence, reason: string | null): void {
    if (agent.presence !== presence) {
      const delta = (presence === 'ready' ? 1 : 0) - (agent.presence === 'ready' ? 1 : 0);
      for (const queue of agent.queues) queue.staffed += delta;
      if (presence === 'ready') agent.idleSince = this.now;
    }
    agent.presence = presence;
    agent.reason = presence === 'not_ready' ? reason : null;
    this.refreshFree(agent);
    this.touched.add(agent);
    this.dirtyAgents.add(agent);
  }

  /** Reports the agent's state if it, its reason or the presence under it changed (D1). */
  settle(agent: AgentRecord): void {
    const state = agentStateOf(agent.presence, { offers: agent.offers.size, busy: this.#count(agent, 'connected'), wrapUp: this.#count(agent, 'wrap_up') });
    const was = agent.reported;
    if (state === was.state && agent.reason === was.reason && agent.presence === was.presence) return;
    if (state !== was.state && !canMoveAgent(was.state, state)) throw new IllegalAgentTransitionError(was.state, state);
    agent.reported = { state, reason: agent.reason, presence: agent.presence, since: this.now };
    this.emit({ type: 'agentState', agent: agent.config.id, from: was.state, to: state, reason: agent.reason, presence: agent.presence, by: this.forcedBy, at: this.now });
  }

  settleTouched(): void {
    for (const agent of this.touched) this.settle(agent);
    this.touched.clear();
  }

  /** An interaction enters a queue (a new one, or an overflow), is placed by its key and asks to be matched. */
  enterQueue(interaction: InteractionRecord, queue: QueueRecord): void {
    interaction.queue = queue;
    interaction.queuedAt = this.now;
    interaction.epoch++;
    interaction.relaxedBy = 0;
    interaction.overdue = false;
    interaction.missedBy.clear();
    const priority = interaction.priority + queue.config.priority;
    interaction.key = interaction.arrivedAt - priority * this.options.priorityStepMs - (interaction.vip ? VIP_AHEAD_MS : 0);
    interaction.seq = ++this.#seq;
    this.#scheduleWaits(interaction, queue);
    if (queue.config.overflowWhenUnstaffed && queue.staffed === 0 && this.overflow(interaction, 'unstaffed')) return;
    this.list(interaction);
    this.emit({ type: 'queued', interaction: interaction.id, queue: queue.config.id, position: queue.waiting.position(interaction), requeued: false, at: this.now });
    this.dirtyInteractions.add(interaction);
  }

  /** Moves a waiting interaction to its queue's overflow target; false when there is none or it has overflowed too often. */
  overflow(interaction: InteractionRecord, reason: 'max_wait' | 'unstaffed'): boolean {
    const from = interaction.queue!;
    const target = from.config.overflow;
    if (target === undefined || interaction.overflows >= this.options.maxOverflows) return false;
    interaction.overflows++;
    this.unlist(interaction);
    this.emit({ type: 'overflow', interaction: interaction.id, from: from.config.id, target, reason, waitedMs: this.now - interaction.queuedAt, at: this.now });
    this.#follow(interaction, target);
    return true;
  }

  #follow(interaction: InteractionRecord, target: OverflowTarget): void {
    switch (target.kind) {
      case 'queue':
        this.enterQueue(interaction, this.queues.get(target.queue)!);
        return;
      case 'callback':
        interaction.mode = 'callback';
        interaction.overdue = false;
        this.list(interaction);
        this.dirtyInteractions.add(interaction);
        return;
      case 'flow':
      case 'voicemail':
        this.forget(interaction);
        return;
      default: {
        const unknown: never = target;
        throw new Error(`unknown overflow target ${String(unknown)}`);
      }
    }
  }

  #scheduleWaits(interaction: InteractionRecord, queue: QueueRecord): void {
    const epoch = interaction.epoch;
    const waiting = () => interaction.epoch === epoch && interaction.phase === 'waiting';
    const config = queue.config;
    if (config.maxWaitSeconds !== undefined) {
      this.wakeUps.add({
        at: interaction.queuedAt + config.maxWaitSeconds * 1000,
        live: () => waiting() && interaction.mode === 'live',
        fire: () => {
          if (interaction.offers.size > 0) interaction.overdue = true;
          else this.overflow(interaction, 'max_wait');
        },
      });
    }
    for (const step of config.relaxation) {
      this.wakeUps.add({
        at: interaction.queuedAt + step.afterSeconds * 1000,
        live: waiting,
        fire: () => {
          interaction.relaxedBy = step.lowerBy;
          if (interaction.inList) {
            this.unlist(interaction);
            this.list(interaction);
          }
          this.dirtyInteractions.add(interaction);
        },
      });
    }
    if (config.announceEverySeconds !== undefined) this.#scheduleAnnouncement(interaction, queue, interaction.queuedAt + config.announceEverySeconds * 1000, waiting);
  }

  #scheduleAnnouncement(interaction: InteractionRecord, queue: QueueRecord, at: number, waiting: () => boolean): void {
    const everyMs = queue.config.announceEverySeconds! * 1000;
    this.wakeUps.add({
      at,
      live: waiting,
      fire: (firedAt) => {
        if (interaction.inList) {
          const position = queue.waiting.position(interaction);
          const expectedWaitSeconds = Math.ceil((position * queue.handleMs) / Math.max(1, queue.staffed) / 1000);
          this.emit({ type: 'announce', interaction: interaction.id, queue: queue.config.id, position, expectedWaitSeconds, at: firedAt });
        }
        // Catching up after a long pause announces once, then keeps the rhythm from the present.
        const next = firedAt + everyMs * Math.max(1, Math.ceil((this.horizon - firedAt + 1) / everyMs));
        this.#scheduleAnnouncement(interaction, queue, next, waiting);
      },
    });
  }

  /** Rings the agent: a reservation that takes a slot and ends by its ring timeout at the latest. */
  offer(interaction: InteractionRecord, agent: AgentRecord): void {
    const queue = interaction.queue!;
    const reservation: Reservation = {
      id: asReservationId(this.options.newReservationId()),
      interaction,
      agent,
      queue,
      expiresAt: this.now + queue.config.ringTimeoutSeconds * 1000,
      live: true,
    };
    interaction.offers.set(agent.config.id, reservation);
    agent.offers.set(reservation.id, reservation);
    this.reservations.set(reservation.id, reservation);
    agent.used[interaction.channel]++;
    this.refreshFree(agent);
    this.touched.add(agent);
    if (queue.config.strategy !== 'ring_all') this.unlist(interaction);
    queue.lastPicked = queue.members.get(agent) ?? queue.lastPicked;
    this.wakeUps.add({ at: reservation.expiresAt, live: () => reservation.live, fire: () => this.offerLost(reservation, 'timed_out') });
    this.emit({
      type: 'offer',
      reservation: reservation.id,
      interaction: interaction.id,
      agent: agent.config.id,
      queue: queue.config.id,
      channel: interaction.channel,
      mode: interaction.mode,
      expiresAt: reservation.expiresAt,
      at: this.now,
    });
  }

  /** Ends a live reservation; its slot is given back unless the agent took the interaction. */
  endReservation(reservation: Reservation, outcome: ReservationOutcome): void {
    const { agent, interaction } = reservation;
    reservation.live = false;
    this.reservations.delete(reservation.id);
    agent.offers.delete(reservation.id);
    interaction.offers.delete(agent.config.id);
    if (outcome !== 'accepted') {
      agent.used[interaction.channel]--;
      this.refreshFree(agent);
      this.dirtyAgents.add(agent);
    }
    this.touched.add(agent);
    this.emit({ type: 'reservationEnded', reservation: reservation.id, interaction: interaction.id, agent: agent.config.id, outcome, at: this.now });
  }

  /** Rejected or rang out: the agent is passed over for this interaction for a while and may go not ready "missed"; the interaction goes back to its place. */
  offerLost(reservation: Reservation, outcome: 'rejected' | 'timed_out'): void {
    const { agent, interaction } = reservation;
    this.endReservation(reservation, outcome);
    const until = this.now + this.options.reofferAfterMs;
    interaction.missedBy.set(agent.config.id, until);
    const epoch = interaction.epoch;
    this.wakeUps.add({ at: until, live: () => interaction.epoch === epoch && interaction.phase === 'waiting', fire: () => this.dirtyInteractions.add(interaction) });
    agent.misses++;
    if (agent.misses >= this.options.missedLimit && agent.presence === 'ready') {
      agent.misses = 0;
      this.setPresence(agent, 'not_ready', MISSED_REASON);
    }
    this.returnToQueue(interaction);
  }

  /** After an offer ended unanswered: back to its place, or on to the overflow if its wait ran out meanwhile. */
  returnToQueue(interaction: InteractionRecord): void {
    if (interaction.offers.size > 0 || interaction.phase !== 'waiting') return;
    if (interaction.overdue && this.overflow(interaction, 'max_wait')) return;
    const queue = interaction.queue!;
    this.list(interaction);
    this.emit({ type: 'queued', interaction: interaction.id, queue: queue.config.id, position: queue.waiting.position(interaction), requeued: true, at: this.now });
    this.dirtyInteractions.add(interaction);
  }

  /** The end of an interaction's work (its wrap-up, or the interaction when there is none): the agent's slot is free. */
  finishWork(interaction: InteractionRecord): void {
    const agent = interaction.agent!;
    agent.work.delete(interaction);
    agent.used[interaction.channel]--;
    agent.idleSince = this.now;
    const queue = interaction.queue;
    if (queue !== null) queue.handleMs = queue.handleMs * 0.8 + (this.now - interaction.connectedAt) * 0.2;
    this.refreshFree(agent);
    this.touched.add(agent);
    this.dirtyAgents.add(agent);
    this.forget(interaction);
  }

  endWrapUp(interaction: InteractionRecord): void {
    this.emit({ type: 'wrapUp', interaction: interaction.id, agent: interaction.agent!.config.id, phase: 'ended', endsAt: this.now, at: this.now });
    this.finishWork(interaction);
  }

  scheduleWrapUpEnd(interaction: InteractionRecord): void {
    const endsAt = interaction.wrapUpEndsAt;
    this.wakeUps.add({ at: endsAt, live: () => interaction.phase === 'wrap_up' && interaction.wrapUpEndsAt === endsAt, fire: () => this.endWrapUp(interaction) });
  }

  /** Puts a waiting interaction in its queue's lists (no-op when it is there). */
  list(interaction: InteractionRecord): void {
    if (interaction.inList) return;
    const queue = interaction.queue!;
    queue.waiting.insert(interaction);
    const required = interaction.skills.find((requirement) => requirement.level - interaction.relaxedBy > 0);
    interaction.bucket = `${interaction.channel}:${required?.skill ?? ''}`;
    let bucket = queue.bySkill.get(interaction.bucket);
    if (bucket === undefined) queue.bySkill.set(interaction.bucket, (bucket = new WaitingList()));
    bucket.insert(interaction);
    interaction.inList = true;
  }

  unlist(interaction: InteractionRecord): void {
    if (!interaction.inList) return;
    const queue = interaction.queue!;
    queue.waiting.remove(interaction);
    queue.bySkill.get(interaction.bucket)!.remove(interaction);
    interaction.inList = false;
  }

  forget(interaction: InteractionRecord): void {
    interaction.phase = 'done';
    interaction.epoch++;
    this.interactions.delete(interaction.id);
    this.dirtyInteractions.delete(interaction);
  }

  #count(agent: AgentRecord, phase: 'connected' | 'wrap_up'): number {
    let count = 0;
    for (const interaction of agent.work) if (interaction.phase === phase) count++;
    return count;
  }
}
