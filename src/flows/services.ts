/**
 * What a running flow needs besides the call: the tenant's prompts, calendar, business gateway,
 * cases, mailboxes, surveys and other flows. main.ts builds one per tenant from the store; tests
 * build them over a real database too.
 */
import type { QueueRequest, QueueTicket, Recorded } from '../calls/index.js';
import type { CaseType } from '../store/index.js';
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

export interface FlowServices {
  /** Absolute path of a prompt's file, or undefined if the tenant has no such prompt. */
  promptFile(name: string): Promise<string | undefined>;
  schedule(node: NodeOf<'schedule'>, now: Date): Promise<ScheduleState>;
  http(node: NodeOf<'http'>, variables: ReadonlyMap<string, string>): Promise<GatewayResult>;
  /** A path for a new recording of this kind (`cases`, `voicemail`). */
  recordingPath(kind: string): string;
  openCase(type: CaseType, recorded: Recorded): Promise<{ number: string }>;
  caseStatus(number: string): Promise<{ status: string } | undefined>;
  mailbox(name: string): Promise<MailboxAccess | undefined>;
  saveSurvey(survey: string, answers: { question: string; answer: string }[]): Promise<void>;
  /** The live version of another flow of the tenant. */
  subflow(name: string): Promise<FlowDocument | undefined>;
  /** Puts the caller in one of the tenant's queues. Undefined when it has no such queue. */
  enqueue(request: Omit<QueueRequest, 'sipCallId' | 'caller' | 'customerId'>): Promise<QueueTicket | undefined>;
  now(): Date;
}
