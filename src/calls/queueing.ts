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
}

/** Where a queue sends a caller who waited too long or found nobody on duty. */
export type OverflowTo = { kind: 'flow'; flow: string } | { kind: 'voicemail'; mailbox: string } | { kind: 'queue'; queue: string } | { kind: 'callback' };

export type QueueOutcome = { served: true; agent: string } | { served: false; reason: 'hangup' } | { served: false; reason: 'overflow'; target: OverflowTo };

/** A caller waiting in a queue. */
export interface QueueTicket {
  /** `waiting` until an agent answers, `connected` while they talk, `done` after. */
  readonly state: 'waiting' | 'connected' | 'done';
  /** Settles when the caller has left the queue: served (and the conversation over), overflowed or gone. */
  readonly done: Promise<QueueOutcome>;
  /** Called when the caller should hear their place and expected wait (C5). */
  onAnnounce(listener: (position: number, expectedWaitSeconds: number) => void): void;
}

export interface QueueRouter {
  /** Undefined when the tenant has no such queue. */
  enqueue(tenantId: string, request: QueueRequest): Promise<QueueTicket | undefined>;
}
