/**
 * What a caller hears and may do while waiting in a queue, and when an agent answers (C5, D2):
 * comfort messages between stretches of hold music, the offer to be called back instead of
 * waiting (and how the callback is retried), and the agent's number announced before the
 * caller is connected. These are queue settings (`/api/v1/queues`) that the core ignores: the
 * flows' queue node plays them, the routing service places the callbacks.
 */
import { z } from 'zod';
import type { WaitingExperience } from '../calls/index.js';

const promptName = z.string().regex(/^[\w.-]{1,100}$/, 'a prompt name: letters, digits, . _ or -');

/** One comfort message: recorded prompts, or a text spoken in the call's language (or the one given). */
export const comfortMessageSchema = z.union([
  z.object({ prompts: z.array(promptName).min(1).max(20) }).strict(),
  z.object({ text: z.string().min(1).max(2000), language: z.enum(['zh-CN', 'en']).optional() }).strict(),
]);

/**
 * "Press 1 to be called back": offered every `everySeconds`; the caller who takes it keeps their
 * place, hangs up, and is called once an agent answers the offer. An unanswered callback is tried
 * `attempts` times in all, `retrySeconds` apart, while the agent holds. A queue that overflows to
 * `callback` uses these too (the defaults when the queue does not offer callbacks itself).
 */
export const callbackPolicySchema = z
  .object({
    key: z.string().regex(/^[0-9*#]$/, 'one key: 0-9, * or #').default('1'),
    everySeconds: z.number().min(5).max(3600).default(30),
    attempts: z.number().int().min(1).max(5).default(2),
    retrySeconds: z.number().min(1).max(600).default(10),
    ringSeconds: z.number().min(5).max(120).default(30),
  })
  .strict();
export type CallbackPolicy = z.output<typeof callbackPolicySchema>;

export const callerExperienceShape = {
  /** Messages played in turn, one every `everySeconds` of waiting, between stretches of hold music. */
  comfort: z
    .object({
      everySeconds: z.number().min(5).max(3600),
      messages: z.array(comfortMessageSchema).min(1).max(20),
    })
    .strict()
    .optional(),
  callback: callbackPolicySchema.optional(),
  /** The caller hears "Agent 1001 is serving you" (工号 1001 为您服务) before being connected (D2). */
  announceAgentId: z.boolean().default(false),
};

const experienceSchema = z.object(callerExperienceShape);

/** A queue's caller experience from its stored settings (other fields ignored, defaults filled in). */
export function experienceOf(settings: Record<string, unknown>): { experience: WaitingExperience; callback: CallbackPolicy } {
  const parsed = experienceSchema.safeParse(settings);
  const given = parsed.success ? parsed.data : experienceSchema.parse({});
  return {
    experience: {
      comfort: given.comfort,
      callback: given.callback === undefined ? undefined : { key: given.callback.key, everySeconds: given.callback.everySeconds },
      announceAgentId: given.announceAgentId,
    },
    callback: given.callback ?? callbackPolicySchema.parse({}),
  };
}
