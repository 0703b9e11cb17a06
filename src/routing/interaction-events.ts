/**
 * What happens to interactions: they enter a queue, are answered, declined or left to ring out,
 * are given to an agent directly, end (abandoned before an answer, or ended then wrapped up).
 */
import type { AgentEvents } from './agent-events.js';
import type { AgentId, InteractionId, ReservationId } from './ids.js';
import type { AgentRecord, InteractionRecord } from './records.js';
import { refuse, type Refusal } from './refusal.js';
import type { RoutingState } from './routing-state.js';
import { interactionRequestSchema, type Channel, type InteractionRequest } from './settings.js';
import { invalid } from './setup-events.js';

const MAX_WRAP_UP_SECONDS = 3600;

export class InteractionEvents {
  constructor(
    private readonly state: RoutingState,
    private readonly agents: AgentEvents,
  ) {}

  enqueue(request: InteractionRequest): Refusal | undefined {
    const parsed = interactionRequestSchema.safeParse(request);
    if (!parsed.success) return invalid('interaction', parsed.error);
    const { id, channel, queue: queueId, priority, vip, skills } = parsed.data;
    const queue = this.state.queues.get(queueId);
    if (queue === undefined) return refuse('ERR_UNKNOWN_QUEUE', 'interaction.queue', `queue ${queueId} is not defined`);
    if (this.state.interactions.has(id)) return refuse('ERR_DUPLICATE_INTERACTION', 'interaction.id', `interaction ${id} is already being routed`);
    const interaction = this.#create(id, channel, this.state.now);
    Object.assign(interaction, { priority, vip, skills });
    this.state.enterQueue(interaction, queue);
    return undefined;
  }

  callback(id: InteractionId): Refusal | undefined {
    const interaction = this.#find(id);
    if ('code' in interaction) return interaction;
    if (interaction.phase !== 'waiting' || interaction.channel !== 'voice') return refuse('ERR_WRONG_STATE', 'interaction', `interaction ${id} is not a waiting call`);
    interaction.mode = 'callback';
    interaction.overdue = false;
    return undefined;
  }

  accept(id: ReservationId): Refusal | undefined {
    const state = this.state;
    const reservation = state.reservations.get(id);
    if (reservation === undefined) return refuse('ERR_RESERVATION_ENDED', 'reservation', `reservation ${id} is not live`);
    const { interaction, agent, queue } = reservation;
    state.endReservation(reservation, 'accepted');
    for (const other of [...interaction.offers.values()]) state.endReservation(other, 'cancelled');
    state.unlist(interaction);
    const waitedMs = state.now - interaction.queuedAt;
    queue.serviceLevel.answered(state.now, waitedMs, queue.config.serviceLevel.seconds * 1000);
    this.#connect(interaction, agent);
    agent.answered++;
    agent.misses = 0;
    return undefined;
  }

  reject(id: ReservationId): Refusal | undefined {
    const reservation = this.state.reservations.get(id);
    if (reservation === undefined) return refuse('ERR_RESERVATION_ENDED', 'reservation', `reservation ${id} is not live`);
    this.state.offerLost(reservation, 'rejected');
    return undefined;
  }

  assign(id: InteractionId, channel: Channel, agentId: AgentId, wrapUpSeconds: number | undefined): Refusal | undefined {
    const agent = this.agents.find(agentId);
    if ('code' in agent) return agent;
    if (this.state.interactions.has(id)) return refuse('ERR_DUPLICATE_INTERACTION', 'interaction', `interaction ${id} is already being routed`);
    if (wrapUpSeconds !== undefined && !(wrapUpSeconds >= 0 && wrapUpSeconds <= MAX_WRAP_UP_SECONDS)) {
      return refuse('ERR_VALIDATION', 'wrapUpSeconds', `wrap-up is 0 to ${MAX_WRAP_UP_SECONDS} seconds`);
    }
    if (agent.presence === 'logged_out') return refuse('ERR_NOT_LOGGED_IN', 'agent', `agent ${agentId} is not logged in`);
    if (agent.used[channel] >= (agent.config.capacity[channel] ?? 0)) return refuse('ERR_NO_CAPACITY', 'agent', `agent ${agentId} has no free ${channel} slot`);
    const interaction = this.#create(id, channel, this.state.now);
    interaction.wrapUpMs = (wrapUpSeconds ?? 0) * 1000;
    agent.used[channel]++;
    this.state.refreshFree(agent);
    this.#connect(interaction, agent);
    return undefined;
  }

  end(id: InteractionId): Refusal | undefined {
    const state = this.state;
    const interaction = this.#find(id);
    if ('code' in interaction) return interaction;
    if (interaction.phase === 'waiting') {
      const queue = interaction.queue!;
      for (const reservation of [...interaction.offers.values()]) state.endReservation(reservation, 'cancelled');
      state.unlist(interaction);
      const waitedMs = state.now - interaction.queuedAt;
      queue.serviceLevel.abandoned(state.now, waitedMs, queue.config.serviceLevel.seconds * 1000);
      state.emit({ type: 'abandoned', interaction: id, queue: queue.config.id, waitedMs, at: state.now });
      state.forget(interaction);
      return undefined;
    }
    if (interaction.phase !== 'connected') return refuse('ERR_WRONG_STATE', 'interaction', `interaction ${id} has already ended`);
    const agent = interaction.agent!;
    const talkMs = state.now - interaction.connectedAt;
    agent.talkMs += talkMs;
    const wrapUpMs = interaction.queue === null ? interaction.wrapUpMs : interaction.queue.config.wrapUpSeconds * 1000;
    if (wrapUpMs === 0) {
      state.emit({ type: 'ended', interaction: id, agent: agent.config.id, talkMs, wrapUpEndsAt: null, at: state.now });
      state.finishWork(interaction);
      return undefined;
    }
    interaction.phase = 'wrap_up';
    interaction.wrapUpEndsAt = state.now + wrapUpMs;
    state.touched.add(agent);
    state.emit({ type: 'ended', interaction: id, agent: agent.config.id, talkMs, wrapUpEndsAt: interaction.wrapUpEndsAt, at: state.now });
    state.emit({ type: 'wrapUp', interaction: id, agent: agent.config.id, phase: 'started', endsAt: interaction.wrapUpEndsAt, at: state.now });
    state.scheduleWrapUpEnd(interaction);
    return undefined;
  }

  extendWrapUp(id: InteractionId, seconds: number): Refusal | undefined {
    const interaction = this.#inWrapUp(id);
    if ('code' in interaction) return interaction;
    if (!(seconds > 0 && seconds <= MAX_WRAP_UP_SECONDS)) return refuse('ERR_VALIDATION', 'seconds', `an extension is 1 to ${MAX_WRAP_UP_SECONDS} seconds`);
    interaction.wrapUpEndsAt += seconds * 1000;
    const state = this.state;
    state.emit({ type: 'wrapUp', interaction: id, agent: interaction.agent!.config.id, phase: 'extended', endsAt: interaction.wrapUpEndsAt, at: state.now });
    state.scheduleWrapUpEnd(interaction);
    return undefined;
  }

  endWrapUp(id: InteractionId): Refusal | undefined {
    const interaction = this.#inWrapUp(id);
    if ('code' in interaction) return interaction;
    this.state.endWrapUp(interaction);
    return undefined;
  }

  #inWrapUp(id: InteractionId): InteractionRecord | Refusal {
    const interaction = this.#find(id);
    if ('code' in interaction) return interaction;
    if (interaction.phase !== 'wrap_up') return refuse('ERR_NOT_IN_WRAP_UP', 'interaction', `interaction ${id} is not in wrap-up`);
    return interaction;
  }

  #find(id: InteractionId): InteractionRecord | Refusal {
    return this.state.interactions.get(id) ?? refuse('ERR_UNKNOWN_INTERACTION', 'interaction', `interaction ${id} is not being routed`);
  }

  #connect(interaction: InteractionRecord, agent: AgentRecord): void {
    interaction.phase = 'connected';
    interaction.agent = agent;
    interaction.connectedAt = this.state.now;
    interaction.epoch++;
    interaction.missedBy.clear();
    agent.work.add(interaction);
    this.state.touched.add(agent);
  }

  #create(id: InteractionId, channel: Channel, now: number): InteractionRecord {
    const interaction: InteractionRecord = {
      id,
      channel,
      priority: 0,
      vip: false,
      skills: [],
      mode: 'live',
      phase: 'waiting',
      queue: null,
      arrivedAt: now,
      queuedAt: now,
      key: 0,
      seq: 0,
      inList: false,
      bucket: '',
      offers: new Map(),
      missedBy: new Map(),
      relaxedBy: 0,
      overdue: false,
      overflows: 0,
      epoch: 0,
      agent: null,
      connectedAt: now,
      wrapUpMs: 0,
      wrapUpEndsAt: 0,
    };
    this.state.interactions.set(id, interaction);
    return interaction;
  }
}
