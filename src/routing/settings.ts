/**
 * What the routing core is told about queues and agents, as zod schemas so the API can check a
 * body with the same rules the core applies (a bad field is refused with its path, never
 * half-applied). Times are seconds here and milliseconds inside the core.
 */
import { z } from 'zod';
import { callerExperienceShape } from './caller-experience.js';
import { remoteAgentShape } from './remote-agent.js';
import type { AgentId, InteractionId, QueueId } from './ids.js';

/** Every kind of interaction is queued the same way (DESIGN: one universal queue). */
export const channels = ['voice', 'chat', 'email', 'sms', 'fax'] as const;
export type Channel = (typeof channels)[number];

/**
 * How a queue picks among the agents free for an interaction:
 * - `longest_idle`: the agent who finished work (or became ready) longest ago (C1)
 * - `round_robin`: the next member after the one last picked, in the order agents joined
 * - `ring_all`: every free member at once; the first to accept wins, the others are cancelled
 * - `fewest_calls`: the fewest interactions answered since log-in
 * - `least_talk_time`: the least time connected since log-in
 * - `random`: uniformly, from the core's injected random source
 * - `skills_weighted`: the highest sum of levels in the skills the interaction asks for
 * Ties go to the longest idle, then to the earlier member.
 */
export const strategies = ['longest_idle', 'round_robin', 'ring_all', 'fewest_calls', 'least_talk_time', 'random', 'skills_weighted'] as const;
export type Strategy = (typeof strategies)[number];

const id = z.string().min(1).max(200);
const skillName = z.string().min(1).max(100);
const level = z.number().int().min(1).max(10);

/** Where an interaction goes when it has waited too long, or finds nobody to serve its queue (C5). */
export const overflowTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('queue'), queue: id.transform((value) => value as QueueId) }).strict(),
  z.object({ kind: z.literal('flow'), flow: id }).strict(),
  z.object({ kind: z.literal('voicemail'), mailbox: id }).strict(),
  /** The caller is told they will be called back; the interaction keeps its place as a callback. */
  z.object({ kind: z.literal('callback') }).strict(),
]);
export type OverflowTarget = z.output<typeof overflowTargetSchema>;

export const queueSettingsSchema = z
  .object({
    id: id.transform((value) => value as QueueId),
    strategy: z.enum(strategies).default('longest_idle'),
    /** Added to each interaction's own priority (C2). */
    priority: z.number().int().min(-100).max(100).default(0),
    /** How long an offer rings before it counts as not answered. */
    ringTimeoutSeconds: z.number().positive().max(600).default(20),
    /** After-call work per interaction; the agent may end it early or extend it. */
    wrapUpSeconds: z.number().min(0).max(3600).default(0),
    /** Absent: an interaction waits until it is served or ends. */
    maxWaitSeconds: z.number().positive().max(86_400).optional(),
    overflow: overflowTargetSchema.optional(),
    /** Overflow at once when no member agent is logged in and not "not ready". */
    overflowWhenUnstaffed: z.boolean().default(false),
    /** Service level: `percent` of interactions answered within `seconds`. */
    serviceLevel: z.object({ percent: z.number().min(0).max(100), seconds: z.number().positive().max(3600) }).strict().default({ percent: 80, seconds: 20 }),
    /** Skill requirements soften as an interaction waits: after `afterSeconds`, levels are lowered by `lowerBy`; a level at 0 or below is no longer required. */
    relaxation: z
      .array(z.object({ afterSeconds: z.number().positive().max(86_400), lowerBy: z.number().int().min(1).max(10) }).strict())
      .max(10)
      .default([])
      .refine((steps) => steps.every((step, index) => index === 0 || step.afterSeconds > steps[index - 1]!.afterSeconds), 'steps in increasing afterSeconds'),
    /** Announce position and expected wait every so many seconds (absent: never). */
    announceEverySeconds: z.number().min(5).max(3600).optional(),
    /** What the expected wait starts from before the queue has handled anything. */
    expectedHandleSeconds: z.number().positive().max(86_400).default(180),
    ...callerExperienceShape,
    ...remoteAgentShape,
  })
  .strict()
  .refine((queue) => queue.maxWaitSeconds === undefined || queue.overflow !== undefined, { message: 'a maximum wait needs an overflow target', path: ['overflow'] })
  .refine((queue) => queue.overflow?.kind !== 'queue' || queue.overflow.queue !== queue.id, { message: 'a queue cannot overflow to itself', path: ['overflow', 'queue'] });
export type QueueSettings = z.input<typeof queueSettingsSchema>;
export type QueueConfig = z.output<typeof queueSettingsSchema>;

export const agentProfileSchema = z
  .object({
    id: id.transform((value) => value as AgentId),
    /** The queues the agent serves, in no particular order: fairness across them is the core's. */
    queues: z.array(id.transform((value) => value as QueueId)).max(100).default([]),
    /** Skill name → level 1–10. */
    skills: z.record(skillName, level).default({}),
    /** How many interactions of each channel at once (C3); a channel left out is not served. */
    capacity: z.partialRecord(z.enum(channels), z.number().int().min(0).max(50)).default({ voice: 1 }),
  })
  .strict();
export type AgentProfile = z.input<typeof agentProfileSchema>;
export type AgentConfig = z.output<typeof agentProfileSchema>;

export const skillRequirementSchema = z.object({ skill: skillName, level: level.default(1) }).strict();
export type SkillRequirement = z.input<typeof skillRequirementSchema>;

export const interactionRequestSchema = z
  .object({
    id: id.transform((value) => value as InteractionId),
    channel: z.enum(channels),
    queue: id.transform((value) => value as QueueId),
    /** Higher is served sooner; each level counts as the core's `priorityStepSeconds` of waiting (C2). */
    priority: z.number().int().min(-100).max(100).default(0),
    /** VIPs go ahead of everyone who is not (C2). */
    vip: z.boolean().default(false),
    skills: z.array(skillRequirementSchema).max(20).default([]),
  })
  .strict();
export type InteractionRequest = z.input<typeof interactionRequestSchema>;
export type InteractionConfig = z.output<typeof interactionRequestSchema>;
