/**
 * What a running flow needs besides the call: the tenant's prompts, calendar, business gateway,
 * cases, mailboxes, surveys and other flows. main.ts builds one per tenant from the store; tests
 * build them over a real database too.
 */
import type { Recorded, VoiceChannel } from '../calls/index.js';
import type { FlowDocument, NodeOf } from './document.js';
import type { GatewayResult } from './http-gateway.js';
import type { ScheduleState } from './schedule.js';

export interface MailboxAccess {
  /** Prompt file of the owner's greeting, if one was recorded. */
  greetingFile: string | undefined;
  full: boolean;
  checkPin(pin: string): Promise<boolean>;
  leave(recorded: Recorded): Promise<void>;
  messages(): Promise<{ id: string; file: string; heard: boolean }[]>;
  markHeard(id: string): Promise<void>;
  remove(id: string): Promise<void>;
}

/** A caller waiting in a queue, as the routing service reports it to the flow. */
export interface QueueTicket {
  /** `waiting` until an agent answers, `connected` while they talk, `done` after. */
  readonly state: 'waiting' | 'connected' | 'done';
  /** Settles when the caller has left the queue: served (and the conversation over), overflowed or gone. */
  readonly done: Promise<QueueOutcome>;
  /** Called when the caller should hear their place and expected wait (C5). */
  onAnnounce(listener: (position: number, expectedWaitSeconds: number) => void): void;
}

export type QueueOutcome =
  | { served: true; agent: string }
  | { served: false; reason: 'hangup' }
  /** Waited too long or found nobody on duty: where the queue's settings send the caller. */
  | { served: false; reason: 'overflow'; target: { kind: 'flow'; flow: string } | { kind: 'voicemail'; mailbox: string } | { kind: 'queue'; queue: string } | { kind: 'callback' } };

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

/** The routing service as flows see it: main.ts hands it in (flows never import routing/). */
export interface QueueRouter {
  /** Undefined when the tenant has no such queue. */
  enqueue(tenantId: string, request: QueueRequest): Promise<QueueTicket | undefined>;
}

export interface FlowServices {
  /** Absolute path of a prompt's file, or undefined if the tenant has no such prompt. */
  promptFile(name: string): Promise<string | undefined>;
  schedule(node: NodeOf<'schedule'>, now: Date): Promise<ScheduleState>;
  http(node: NodeOf<'http'>, variables: ReadonlyMap<string, string>): Promise<GatewayResult>;
  /** A path for a new recording of this kind (`cases`, `voicemail`). */
  recordingPath(kind: string): string;
  openCase(type: string, recorded: Recorded): Promise<{ number: string }>;
  caseStatus(number: string): Promise<{ status: string } | undefined>;
  mailbox(name: string): Promise<MailboxAccess | undefined>;
  saveSurvey(survey: string, answers: { question: string; answer: string }[]): Promise<void>;
  /** The live version of another flow of the tenant. */
  subflow(name: string): Promise<FlowDocument | undefined>;
  /** Puts the caller in one of the tenant's queues. Undefined when it has no such queue. */
  enqueue(request: Omit<QueueRequest, 'sipCallId' | 'caller' | 'customerId'>): Promise<QueueTicket | undefined>;
  now(): Date;
}
