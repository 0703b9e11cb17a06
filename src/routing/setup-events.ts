/**
 * Queues and agents defined or changed live. A bad field is refused with its path (as the API
 * names it) and nothing changes; a change to a queue applies to interactions that enter it from
 * then on, except the strategy and skills, which the next match already uses.
 */
import type { z } from 'zod';
import type { AgentRecord, QueueRecord } from './records.js';
import { refuse, type Refusal } from './refusal.js';
import type { RoutingState } from './routing-state.js';
import { ServiceLevelWindow } from './service-level.js';
import { agentProfileSchema, channels, queueSettingsSchema, type AgentProfile, type Channel, type QueueSettings } from './settings.js';
import { WaitingList } from './waiting-list.js';

export function invalid(prefix: string, error: z.ZodError): Refusal {
  const issue = error.issues[0]!;
  return refuse('ERR_VALIDATION', [prefix, ...issue.path.map(String)].join('.'), issue.message);
}

export function defineQueue(state: RoutingState, settings: QueueSettings, serviceLevelWindowMs: number): Refusal | undefined {
  const parsed = queueSettingsSchema.safeParse(settings);
  if (!parsed.success) return invalid('queue', parsed.error);
  const config = parsed.data;
  if (config.overflow?.kind === 'queue' && !state.queues.has(config.overflow.queue)) {
    return refuse('ERR_UNKNOWN_QUEUE', 'queue.overflow.queue', `overflow queue ${config.overflow.queue} is not defined`);
  }
  const existing = state.queues.get(config.id);
  if (existing !== undefined) {
    existing.config = config;
    for (const interaction of existing.waiting) state.dirtyInteractions.add(interaction);
    return undefined;
  }
  const queue: QueueRecord = {
    config,
    waiting: new WaitingList(),
    bySkill: new Map(),
    members: new Map(),
    free: new Map(channels.map((channel) => [channel, new Set<AgentRecord>()])),
    staffed: 0,
    lastPicked: 0,
    serviceLevel: new ServiceLevelWindow(serviceLevelWindowMs),
    handleMs: config.expectedHandleSeconds * 1000,
  };
  state.queues.set(config.id, queue);
  return undefined;
}

export function defineAgent(state: RoutingState, profile: AgentProfile): Refusal | undefined {
  const parsed = agentProfileSchema.safeParse(profile);
  if (!parsed.success) return invalid('agent', parsed.error);
  const config = parsed.data;
  const queues: QueueRecord[] = [];
  for (const [index, id] of config.queues.entries()) {
    const queue = state.queues.get(id);
    if (queue === undefined) return refuse('ERR_UNKNOWN_QUEUE', `agent.queues.${index}`, `queue ${id} is not defined`);
    if (!queues.includes(queue)) queues.push(queue);
  }
  let agent = state.agents.get(config.id);
  if (agent === undefined) {
    const used = Object.fromEntries(channels.map((channel) => [channel, 0])) as Record<Channel, number>;
    agent = {
      config,
      presence: 'logged_out',
      reason: null,
      reported: { state: 'logged_out', reason: null, presence: 'logged_out', since: state.now },
      queues: [],
      used,
      offers: new Map(),
      work: new Set(),
      idleSince: state.now,
      answered: 0,
      talkMs: 0,
      misses: 0,
    };
    state.agents.set(config.id, agent);
  }
  agent.config = config;
  for (const queue of agent.queues) if (!queues.includes(queue)) state.leave(queue, agent);
  for (const queue of queues) if (!queue.members.has(agent)) state.join(queue, agent);
  agent.queues = queues;
  state.refreshFree(agent);
  state.dirtyAgents.add(agent);
  return undefined;
}
