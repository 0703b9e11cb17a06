/**
 * Where an agent takes their calls (A4): on the phones registered for their extension (a desk
 * phone or the desktop's browser softphone), or, logged in "remotely", on the outside number
 * their record holds (a mobile, a home line: 外挂/移动台席), reached through the tenant's trunks.
 * A remote agent's answer is screened: they hear whose call it is and must press the queue's
 * key; a voicemail that takes the call for them never accepts it, so the offer counts as not
 * answered. The number is the administrator's to set, not the agent's at log-in, so a login
 * cannot send the tenant's calls (and their cost) to any number it likes.
 */
import { z } from 'zod';
import type { DialOptions, Sound } from '../calls/index.js';
import type { AgentId } from './ids.js';
import type { AgentRow, QueueRow } from './ports.js';

export const agentEndpoints = ['phone', 'remote'] as const;
export type AgentEndpoint = (typeof agentEndpoints)[number];

/** A queue's screening of remote agents' answers: the key that accepts, and how long they have to press it. */
export const remoteAgentSchema = z
  .object({
    key: z.string().regex(/^[0-9*#]$/, 'one key: 0-9, * or #').default('1'),
    confirmSeconds: z.number().min(1).max(60).default(10),
  })
  .strict();
export type RemoteAgentPolicy = z.output<typeof remoteAgentSchema>;

export const remoteAgentShape = {
  /** How a remote agent accepts a call of this queue (absent: key 1 within 10 s). */
  remoteAgent: remoteAgentSchema.optional(),
};

/** What the agent hears on answering at their outside number, in Chinese then English. */
export function screeningPrompt(queue: string, key: string): Sound[] {
  return [
    { kind: 'speech', text: `您有一个${queue}队列的客户来电，接听请按${key}`, language: 'zh-CN' },
    { kind: 'speech', text: `A customer call from the ${queue} queue. Press ${key} to accept.`, language: 'en' },
  ];
}

/** How an offer reaches an agent: the dial's targets, the caller ID it shows, and the screening. */
export type AgentDial = Pick<DialOptions, 'targets' | 'callerId' | 'confirm'>;

/**
 * The agents of one tenant logged in remotely, and each queue's screening. An agent is at their
 * phones unless they logged in remotely and their record has an outside number.
 */
export class AgentEndpoints {
  readonly #remote = new Set<AgentId>();
  readonly #policies = new Map<string, RemoteAgentPolicy>();

  configure(queues: readonly QueueRow[]): void {
    this.#policies.clear();
    for (const queue of queues) {
      const parsed = remoteAgentSchema.safeParse(queue.settings.remoteAgent ?? {});
      if (parsed.success) this.#policies.set(queue.name, parsed.data);
    }
  }

  use(agent: AgentId, endpoint: AgentEndpoint): void {
    if (endpoint === 'remote') this.#remote.add(agent);
    else this.#remote.delete(agent);
  }

  endpointOf(agent: AgentId): AgentEndpoint {
    return this.#remote.has(agent) ? 'remote' : 'phone';
  }

  /**
   * An offer of a `queue` caller to `agent`: their extension, showing the caller's number; or
   * their outside number through a trunk, showing the tenant's number (a carrier takes only its
   * customer's numbers as caller ID), screened with the queue's key.
   */
  dialFor(agent: AgentRow, queue: string): AgentDial {
    if (!this.#remote.has(agent.id as AgentId) || agent.remoteNumber === null) return { targets: [agent.extension], callerId: 'caller' };
    const policy = this.#policies.get(queue) ?? remoteAgentSchema.parse({});
    return {
      targets: [agent.remoteNumber],
      callerId: 'tenant',
      confirm: { prompt: screeningPrompt(queue, policy.key), key: policy.key, timeoutMs: policy.confirmSeconds * 1000 },
    };
  }
}
