/**
 * How a call waits in a queue, as a contract between the applications: flows put their caller
 * in a queue through a QueueRouter, and the routing service is one (main.ts joins them, as it
 * joins the voice service to the call layer through CallRouter).
 */
import type { VoiceChannel } from './voice-channel.js';

export interface QueueRequest {
  queue: string;
  priority: number;
  vip: boolean;
  skills: { skill: string; level: number }[];
  /** Rings the agents and connects the one who answers. */
  channel: VoiceChannel;
  sipCallId: string;
  caller: string | undefined;
  customerId: string | undefined;
  /** The way the caller came through the IVR before the queue: nodes entered, keys pressed (C6). */
  ivr?: { path: string[]; keys: string[] };
}

/** A comfort message: recorded prompts by name, or a text to speak. */
export type ComfortMessage = { prompts: string[] } | { text: string; language?: 'zh-CN' | 'en' | undefined };

/** What the queue offers its callers while they wait, and on answer (its settings, C5, D2). */
export interface WaitingExperience {
  comfort: { everySeconds: number; messages: ComfortMessage[] } | undefined;
  callback: { key: string; everySeconds: number } | undefined;
  announceAgentId: boolean;
}

/** Where a queue sends a caller who waited too long or found nobody on duty. */
export type OverflowTo = { kind: 'flow'; flow: string } | { kind: 'voicemail'; mailbox: string } | { kind: 'queue'; queue: string } | { kind: 'callback' };

export type QueueOutcome =
  | { served: true; agent: string }
  | { served: false; reason: 'hangup' }
  | { served: false; reason: 'overflow'; target: OverflowTo }
  /** The caller chose to be called back: they keep their place, and the call may end. */
  | { served: false; reason: 'callback' }
  /** The agent handed the caller to a flow ("manual to auto", B12): the caller's flow goes on there. */
  | { served: false; reason: 'handed'; to: HandOff };

/** Where an agent hands a caller: a published flow, or a node of the caller's own flow. */
export type HandOff = { flow: string } | { node: string };

/** A caller waiting in a queue. */
export interface QueueTicket {
  /** `waiting` until an agent answers, `connected` while they talk, `done` after. */
  readonly state: 'waiting' | 'connected' | 'done';
  /** Settles when the caller has left the queue: served (and the conversation over), overflowed or gone. */
  readonly done: Promise<QueueOutcome>;
  /** Called when the caller should hear their place and expected wait (C5). */
  onAnnounce(listener: (position: number, expectedWaitSeconds: number) => void): void;
  readonly experience: WaitingExperience;
  /**
   * The caller asks to be called back at their number instead of waiting (C5): false when that
   * cannot be (no calling number, or the queue offers no callback, or an agent is ringing now).
   */
  requestCallback(): boolean;
  /**
   * Called when an agent answered, before the caller is connected to them: the caller is
   * connected once the returned promise settles (the agent's number announced, D2).
   */
  onAgent(listener: (agentNumber: string) => Promise<void>): void;
  /**
   * Resolves when a transfer put the caller back in a queue after an agent had them: they wait
   * again (`state` is `waiting`), until `done` or the next time.
   */
  backInQueue(): Promise<void>;
}

export interface QueueRouter {
  /** Undefined when the tenant has no such queue. */
  enqueue(tenantId: string, request: QueueRequest): Promise<QueueTicket | undefined>;
}
