/**
 * The tables as Kysely sees them. Columns are snake_case in SQL and camelCase here
 * (CamelCasePlugin). Every table of tenant data carries `tenantId`.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CaseTables } from './case-tables.js';
import type { RoutingTables } from './routing-tables.js';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;
/** jsonb: written as JSON text, read back as the value. */
type Json<T> = ColumnType<T, string, string>;

export const numberKinds = ['direct', 'forwarded', 'shared'] as const;
export type NumberKind = (typeof numberKinds)[number];

export const tenantStatuses = ['active', 'suspended'] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

export const calendarDayKinds = ['holiday', 'workday'] as const;
/** A public holiday (closed even on a weekday) or a make-up working day (调休: open even on a weekend). */
export type CalendarDayKind = (typeof calendarDayKinds)[number];

export const callerLists = ['blacklist', 'whitelist'] as const;
export type CallerList = (typeof callerLists)[number];

/** How an entry's number matches a calling number: the whole number, or its beginning. */
export const numberMatches = ['exact', 'prefix'] as const;
export type NumberMatch = (typeof numberMatches)[number];

/** What a blacklisted caller gets: 486 Busy Here, 403 Forbidden, or a prompt and then the hang-up. */
export const blacklistActions = ['reject-busy', 'reject-403', 'play-and-hang-up'] as const;
export type BlacklistAction = (typeof blacklistActions)[number];

/** The night switch: `day` and `night` force the tenant's schedules, `auto` follows the clock. */
export const scheduleModes = ['day', 'night', 'auto'] as const;
export type ScheduleMode = (typeof scheduleModes)[number];

export interface TenantTable {
  id: Generated<string>;
  slug: string;
  name: string;
  nameEn: string;
  sipRealm: string;
  timeZone: Generated<string>;
  locale: Generated<string>;
  status: Generated<TenantStatus>;
  isPlatform: Generated<boolean>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface NumberTable {
  id: Generated<string>;
  tenantId: string;
  number: string;
  kind: NumberKind;
  label: Generated<string>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** What a call to a number is served with; several per number on a shared number (by extension code). */
export interface NumberBindingTable {
  id: Generated<string>;
  numberId: string;
  /** The tenant whose service answers: the owner, or on a shared number any business it serves. */
  tenantId: string;
  extensionCode: string | null;
  service: string;
  flow: string | null;
}

export interface UserTable {
  id: Generated<string>;
  tenantId: string;
  username: string;
  displayName: string;
  email: string | null;
  passwordHash: string;
  roles: string[];
  disabled: Generated<boolean>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface AgentTable {
  id: Generated<string>;
  tenantId: string;
  userId: string;
  extension: string;
  /** HA1 digests (RFC 2617 §3.2.2.2, RFC 8760 §2) of `extension:realm:password`; never the password. */
  sipHa1Md5: string;
  sipHa1Sha256: string;
  skills: Json<Record<string, number>>;
  /** The outside number the agent takes calls on when logged in remotely (A4). */
  remoteNumber: string | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface DepartmentTable {
  id: Generated<string>;
  tenantId: string;
  name: string;
  nameEn: Generated<string>;
  phones: Generated<string[]>;
  description: Generated<string>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface CustomerTable {
  id: Generated<string>;
  tenantId: string;
  name: string;
  company: Generated<string>;
  phones: Generated<string[]>;
  emails: Generated<string[]>;
  vip: Generated<boolean>;
  tags: Generated<string[]>;
  notes: Generated<string>;
  address: Generated<string>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface ApiKeyTable {
  id: Generated<string>;
  tenantId: string;
  name: string;
  /** The first characters of the key, shown in lists so a person can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key: keys are long random strings, so a fast hash is enough. */
  keyHash: string;
  roles: string[];
  createdBy: string | null;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface SessionTable {
  /** SHA-256 of the cookie's token. */
  tokenHash: string;
  tenantId: string;
  userId: string;
  createdAt: CreatedAt;
  expiresAt: Date;
}

export interface AuditTable {
  id: Generated<string>;
  tenantId: string;
  at: CreatedAt;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  action: string;
  entity: string;
  entityId: string;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  requestId: string | null;
  sourceIp: string | null;
}

/** One contact address bound to an address-of-record (an agent's extension) by REGISTER. */
export interface SipBindingTable {
  tenantId: string;
  aor: string;
  contact: string;
  expiresAt: Date;
  q: number | null;
  callId: string;
  /** bigint in SQL (CSeq is 32-bit unsigned); read back as text by pg, so numbers are converted. */
  cseq: ColumnType<string | number, number, number>;
  /** transport:address:port the REGISTER came from, for reaching phones behind NAT (RFC 5626 §5). */
  source: string;
  userAgent: string | null;
  updatedAt: UpdatedAt;
}

/** A tenant's flow: the draft its editor saves and which published version is live. */
export interface FlowTable {
  id: Generated<string>;
  tenantId: string;
  name: string;
  description: Generated<string>;
  /** The flow document as last saved; checked by flows/ when published, not when saved. */
  draft: Json<unknown>;
  liveVersion: number | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** A published flow, frozen: calls run on the version they started with. */
export interface FlowVersionTable {
  flowId: string;
  tenantId: string;
  number: number;
  document: Json<unknown>;
  publishedBy: string;
  publishedAt: CreatedAt;
}

/** An audio file a tenant's flows play; the file lives under the media directory. */
export interface PromptTable {
  id: Generated<string>;
  tenantId: string;
  name: string;
  description: Generated<string>;
  /** Path relative to the media directory. */
  file: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/**
 * One date of a tenant's calendar. `date` is SQL `date`, read as `YYYY-MM-DD` text (the
 * repository selects it with to_char: drivers would make a Date at some zone's midnight).
 */
export interface CalendarDayTable {
  id: Generated<string>;
  tenantId: string;
  date: string;
  kind: CalendarDayKind;
  name: Generated<string>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** A calling number, or the beginning of numbers, on a tenant's blacklist or whitelist. */
export interface CallerListTable {
  id: Generated<string>;
  tenantId: string;
  list: CallerList;
  /** As normalizePhone stores it. */
  number: string;
  match: Generated<NumberMatch>;
  note: Generated<string>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export const trunkTransports = ['udp', 'tcp'] as const;
export type TrunkTransport = (typeof trunkTransports)[number];

/** Whose number a call through a trunk shows: the tenant's, the original caller's, or a fixed one. */
export const trunkCallerIds = ['tenant', 'caller', 'fixed'] as const;
export type TrunkCallerId = (typeof trunkCallerIds)[number];

/**
 * Which numbers a trunk takes and how it dials them: numbers beginning with `prefix` ('' takes
 * all) whose length is within the bounds; `strip` digits come off the front, `prepend` goes on.
 */
export interface TrunkRoute {
  prefix: string;
  minLength?: number;
  maxLength?: number;
  strip: number;
  prepend: string;
}

/** A SIP trunk to a carrier: a tenant's own, or with no tenant the platform's, shared by all. */
export interface TrunkTable {
  id: Generated<string>;
  tenantId: string | null;
  name: string;
  host: string;
  port: Generated<number>;
  transport: Generated<TrunkTransport>;
  /** The carrier account that answers its digest challenges; both null when it trusts the address. */
  username: string | null;
  password: string | null;
  /** Only challenges of this realm are answered; any when null. */
  realm: string | null;
  /** The user part of From, when the carrier wants its account there; the caller ID otherwise. */
  fromUser: string | null;
  /** The host part of From and P-Asserted-Identity; the trunk's host when null. */
  fromDomain: string | null;
  routes: ColumnType<TrunkRoute[], string | undefined, string>;
  callerId: Generated<TrunkCallerId>;
  callerIdNumber: string | null;
  /** Lower first among a tenant's own trunks (and among the shared ones). */
  priority: Generated<number>;
  enabled: Generated<boolean>;
  /** Calls at once through it; no limit when null. */
  maxCalls: number | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** How a tenant's calls are screened and scheduled; a tenant without a row has the defaults. */
export interface CallSettingsTable {
  tenantId: string;
  blacklistAction: Generated<BlacklistAction>;
  /** The tenant's prompt (by name) that `play-and-hang-up` plays. */
  refusalPrompt: string | null;
  whitelistOnly: Generated<boolean>;
  scheduleMode: Generated<ScheduleMode>;
  version: Generated<number>;
  updatedAt: UpdatedAt;
}

/** One leg of a call (FEATURES H1): who called whom, on which flow, and what happened. */
export interface CdrTable {
  id: Generated<string>;
  tenantId: string;
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  caller: string | null;
  called: string | null;
  originalCalled: string | null;
  flow: string | null;
  flowVersion: number | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  /** The Q.850 cause name (normal_clearing, user_busy …). */
  cause: string | null;
  sipStatus: number | null;
  /** Kefu's id of the call; every leg of one call shares it. */
  callId: string | null;
  leg: Generated<'caller' | 'callee' | 'transfer'>;
  /** For a leg Kefu placed: the number or extension it was placed to. */
  target: string | null;
  endedBy: 'caller' | 'callee' | 'kefu' | 'network' | null;
  /** What the caller heard and keyed, node by node. */
  trace: ColumnType<unknown[], string | undefined, string>;
}

export const mailboxOwnerKinds = ['tenant', 'department', 'user'] as const;
export type MailboxOwnerKind = (typeof mailboxOwnerKinds)[number];

/** A voice mailbox of the tenant, a department or a person (B6). */
export interface MailboxTable {
  id: Generated<string>;
  tenantId: string;
  name: string;
  ownerKind: MailboxOwnerKind;
  ownerId: string | null;
  /** scrypt hash of the retrieval PIN, as passwords are kept. */
  pinHash: string;
  /** Prompt name of the greeting; a spoken default when null. */
  greeting: string | null;
  maxMessages: Generated<number>;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface VoicemailMessageTable {
  id: Generated<string>;
  tenantId: string;
  mailboxId: string;
  caller: string | null;
  sipCallId: string | null;
  file: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  heardAt: Date | null;
  createdAt: CreatedAt;
}

export interface SurveyAnswerTable {
  id: Generated<string>;
  tenantId: string;
  survey: string;
  question: string;
  answer: string;
  sipCallId: string | null;
  caller: string | null;
  createdAt: CreatedAt;
}

/** A tenant's not-ready reason code, in the order the desktop lists them. */
export interface NotReadyReasonTable {
  tenantId: string;
  code: string;
  name: string;
  nameEn: string;
  position: number;
}

export interface Database extends RoutingTables, CaseTables {
  notReadyReasons: NotReadyReasonTable;
  tenants: TenantTable;
  numbers: NumberTable;
  numberBindings: NumberBindingTable;
  users: UserTable;
  agents: AgentTable;
  departments: DepartmentTable;
  customers: CustomerTable;
  apiKeys: ApiKeyTable;
  sessions: SessionTable;
  auditLog: AuditTable;
  sipBindings: SipBindingTable;
  flows: FlowTable;
  flowVersions: FlowVersionTable;
  prompts: PromptTable;
  tenantCalendarDays: CalendarDayTable;
  callerLists: CallerListTable;
  tenantCallSettings: CallSettingsTable;
  trunks: TrunkTable;
  cdrs: CdrTable;
  mailboxes: MailboxTable;
  voicemailMessages: VoicemailMessageTable;
  surveyAnswers: SurveyAnswerTable;
}

export type TenantRow = Selectable<TenantTable>;
export type NumberRow = Selectable<NumberTable>;
export type UserRow = Selectable<UserTable>;
export type DepartmentRow = Selectable<DepartmentTable>;
export type CustomerRow = Selectable<CustomerTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type SessionRow = Selectable<SessionTable>;
export type FlowRow = Selectable<FlowTable>;
export type FlowVersionRow = Selectable<FlowVersionTable>;
export type PromptRow = Selectable<PromptTable>;
export type CalendarDayRow = Selectable<CalendarDayTable>;
export type CallerListRow = Selectable<CallerListTable>;
export type CallSettingsRow = Selectable<CallSettingsTable>;
export type TrunkRow = Selectable<TrunkTable>;
export type CdrRow = Selectable<CdrTable>;
export type MailboxRow = Selectable<MailboxTable>;
export type VoicemailMessageRow = Selectable<VoicemailMessageTable>;
