/**
 * The matcher. After every event the core brings the state back to "nothing left to offer": no
 * waiting interaction has a free agent it could be offered to. Interactions that may have new
 * agents (new, re-queued, relaxed) look at their queue's free agents and let the strategy pick;
 * agents that may take more (ready, a slot freed, new skills) take the best interaction across
 * all their queues: VIPs first, then the lowest key (arrival less priority), so an agent in
 * several queues serves the one whose customer has waited longest, weighted by priority.
 */
import { channels } from './settings.js';
import { pickAgents } from './strategies.js';
import type { AgentRecord, InteractionRecord } from './records.js';
import type { RoutingState } from './routing-state.js';
import { before } from './waiting-list.js';

function hasSkills(agent: AgentRecord, interaction: InteractionRecord): boolean {
  for (const requirement of interaction.skills) {
    const needed = requirement.level - interaction.relaxedBy;
    if (needed > 0 && (agent.config.skills[requirement.skill] ?? 0) < needed) return false;
  }
  return true;
}

/** Whether this agent may be offered this interaction now, slot and presence apart. */
function suits(state: RoutingState, agent: AgentRecord, interaction: InteractionRecord): boolean {
  if (interaction.offers.has(agent.config.id)) return false;
  const passedOverUntil = interaction.missedBy.get(agent.config.id);
  if (passedOverUntil !== undefined && passedOverUntil > state.now) return false;
  return hasSkills(agent, interaction);
}

function offerInteraction(state: RoutingState, interaction: InteractionRecord): void {
  const queue = interaction.queue!;
  const candidates: AgentRecord[] = [];
  for (const agent of queue.free.get(interaction.channel)!) if (suits(state, agent, interaction)) candidates.push(agent);
  if (candidates.length === 0) return;
  for (const agent of pickAgents(candidates, interaction, queue, state.options.random)) state.offer(interaction, agent);
}

/**
 * The best interaction this agent could be offered now, across their queues: the first that
 * suits them in each list of a channel they have a slot for and a skill they have (or none).
 */
function bestFor(state: RoutingState, agent: AgentRecord): InteractionRecord | undefined {
  let chosen: InteractionRecord | undefined;
  const skills = ['', ...Object.keys(agent.config.skills)];
  for (const channel of channels) {
    if (!state.hasFreeSlot(agent, channel)) continue;
    for (const queue of agent.queues) {
      for (const skill of skills) {
        const list = queue.bySkill.get(`${channel}:${skill}`);
        if (list === undefined) continue;
        for (const interaction of list) {
          if (chosen !== undefined && !before(interaction, chosen)) break;
          if (suits(state, agent, interaction)) {
            chosen = interaction;
            break;
          }
        }
      }
    }
  }
  return chosen;
}

function fillAgent(state: RoutingState, agent: AgentRecord): void {
  while (agent.presence === 'ready') {
    const interaction = bestFor(state, agent);
    if (interaction === undefined) return;
    state.offer(interaction, agent);
  }
}

export function dispatch(state: RoutingState): void {
  while (state.dirtyInteractions.size > 0 || state.dirtyAgents.size > 0) {
    for (const interaction of state.dirtyInteractions) {
      state.dirtyInteractions.delete(interaction);
      if (interaction.phase === 'waiting' && interaction.inList) offerInteraction(state, interaction);
    }
    for (const agent of state.dirtyAgents) {
      state.dirtyAgents.delete(agent);
      fillAgent(state, agent);
    }
  }
}
