/**
 * Which of the agents free for an interaction get the offer, per queue strategy (see
 * `strategies` in settings.ts). Every candidate has already been checked: ready, a free slot of
 * the channel, the skills, not passed over for having missed this interaction.
 */
import type { RandomSource } from './random.js';
import type { AgentRecord, InteractionRecord, QueueRecord } from './records.js';

/** Longest idle first, then the earlier member: the tie-break of every strategy. */
function idler(a: AgentRecord, b: AgentRecord, queue: QueueRecord): boolean {
  if (a.idleSince !== b.idleSince) return a.idleSince < b.idleSince;
  return queue.members.get(a)! < queue.members.get(b)!;
}

function best(candidates: readonly AgentRecord[], queue: QueueRecord, score: (agent: AgentRecord) => number): AgentRecord {
  let chosen = candidates[0]!;
  let chosenScore = score(chosen);
  for (let index = 1; index < candidates.length; index++) {
    const agent = candidates[index]!;
    const agentScore = score(agent);
    if (agentScore < chosenScore || (agentScore === chosenScore && idler(agent, chosen, queue))) {
      chosen = agent;
      chosenScore = agentScore;
    }
  }
  return chosen;
}

function skillScore(agent: AgentRecord, interaction: InteractionRecord): number {
  let sum = 0;
  for (const requirement of interaction.skills) sum += agent.config.skills[requirement.skill] ?? 0;
  return sum;
}

/** The next member after the one picked last, going round the join order. */
function nextInRing(candidates: readonly AgentRecord[], queue: QueueRecord): AgentRecord {
  let after: AgentRecord | undefined;
  let first: AgentRecord | undefined;
  for (const agent of candidates) {
    const order = queue.members.get(agent)!;
    if (order > queue.lastPicked && (after === undefined || order < queue.members.get(after)!)) after = agent;
    if (first === undefined || order < queue.members.get(first)!) first = agent;
  }
  return after ?? first!;
}

/** The agents to offer to: all of them for `ring_all`, else one. `candidates` is not empty. */
export function pickAgents(candidates: readonly AgentRecord[], interaction: InteractionRecord, queue: QueueRecord, random: RandomSource): readonly AgentRecord[] {
  const strategy = queue.config.strategy;
  switch (strategy) {
    case 'ring_all':
      return candidates;
    case 'longest_idle':
      return [best(candidates, queue, () => 0)];
    case 'round_robin':
      return [nextInRing(candidates, queue)];
    case 'fewest_calls':
      return [best(candidates, queue, (agent) => agent.answered)];
    case 'least_talk_time':
      return [best(candidates, queue, (agent) => agent.talkMs)];
    case 'random':
      return [candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))]!];
    case 'skills_weighted':
      return [best(candidates, queue, (agent) => -skillScore(agent, interaction))];
    default: {
      const unknown: never = strategy;
      throw new Error(`unknown strategy ${String(unknown)}`);
    }
  }
}
