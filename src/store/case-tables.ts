/**
 * The case tables as Kysely sees them (migrations 0005-calls and 0013-case-details), and the
 * words they hold: one vocabulary of case types for the IVR's cases and the desk's.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;

/** The kinds of case (FEATURES G1): complaint, tip-off, consultation, suggestion, service order, fault report. */
export const caseTypes = ['complaint', 'tip_off', 'consultation', 'suggestion', 'service_order', 'fault_report'] as const;
export type CaseType = (typeof caseTypes)[number];

/** `draft`: opened by the IVR from a recording, not yet read by anyone; `open`: being handled; `closed`: done. */
export const caseStatuses = ['draft', 'open', 'closed'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

/** Where a case came from (FEATURES G2): an IVR recording, a contact of a channel, or typed in with no contact. */
export const caseChannels = ['ivr', 'voice', 'chat', 'email', 'sms', 'fax', 'web', 'manual'] as const;
export type CaseChannel = (typeof caseChannels)[number];

export const casePriorities = ['normal', 'urgent'] as const;
export type CasePriority = (typeof casePriorities)[number];

export interface CaseCounterTable {
  tenantId: string;
  day: string;
  last: number;
}

/** A case: what a voice complaint opens (B4, B5) or an agent opens from the contact in hand (G2). */
export interface CaseTable {
  id: Generated<string>;
  tenantId: string;
  number: string;
  type: CaseType;
  status: Generated<CaseStatus>;
  customerId: string | null;
  caller: string | null;
  sipCallId: string | null;
  recordingFile: string | null;
  recordingMs: number | null;
  recordingSha256: string | null;
  subject: Generated<string>;
  description: Generated<string>;
  channel: Generated<CaseChannel>;
  priority: Generated<CasePriority>;
  /** The routing interaction it was opened from. */
  interactionId: string | null;
  /** The user who opened it; null for the IVR and API keys. */
  openedBy: string | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface CaseTables {
  caseCounters: CaseCounterTable;
  cases: CaseTable;
}

export type CaseRow = Selectable<CaseTable>;
