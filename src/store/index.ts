export { Store, type StoreOptions } from './store.js';
export { Repositories } from './repositories/index.js';
export type { Page, PageRequest } from './page.js';
export { numberKinds, tenantStatuses, type NumberKind, type TenantRow, type TenantStatus, type DepartmentRow, type CustomerRow, type FlowRow, type FlowVersionRow, type PromptRow, type CdrRow, type MailboxRow, type VoicemailMessageRow, mailboxOwnerKinds, type MailboxOwnerKind } from './database.js';
export {
  blacklistActions,
  calendarDayKinds,
  callerLists,
  numberMatches,
  scheduleModes,
  trunkCallerIds,
  trunkTransports,
  type BlacklistAction,
  type CalendarDayKind,
  type CalendarDayRow,
  type CallerList,
  type CallerListRow,
  type NumberMatch,
  type ScheduleMode,
  type TrunkCallerId,
  type TrunkRoute,
  type TrunkRow,
  type TrunkTransport,
} from './database.js';
export type { Agent, AgentInput, AgentSipCredentials } from './repositories/agents.js';
export type { ApiKey } from './repositories/api-keys.js';
export type { AuditAction, AuditEntry, AuditFilter, AuditRecord } from './repositories/audit.js';
export type { CustomerFilter, CustomerInput, NewCustomerInput } from './repositories/customers.js';
export type { DepartmentInput, NewDepartmentInput } from './repositories/departments.js';
export type { BindingInput, NumberBinding, NumberInput, PhoneNumber } from './repositories/numbers.js';
export type { TenantInput } from './repositories/tenants.js';
export type { User, UserFilter, UserInput } from './repositories/users.js';
export type { SipBinding } from './repositories/sip-bindings.js';
export type { FlowInput, FlowVersionSummary, LiveFlow, NewFlowInput } from './repositories/flows.js';
export type { PromptInput } from './repositories/prompts.js';
export { MediaFiles, type StoredFile } from './media-files.js';
export type { CdrChange, CdrFilter, CdrStart } from './repositories/cdrs.js';
export { caseDay, type CaseChange, type CaseDetails, type CaseDraft, type CaseFilter, type CaseRecording } from './repositories/cases.js';
export { caseChannels, casePriorities, caseStatuses, caseTypes, type CaseChannel, type CasePriority, type CaseRow, type CaseStatus, type CaseType } from './case-tables.js';
export type { MailboxInput, NewMailboxInput, NewMessage } from './repositories/mailboxes.js';
export type { SurveyAnswer } from './repositories/surveys.js';
export type { CalendarDayInput, CalendarFilter, NewCalendarDayInput } from './repositories/calendar.js';
export type { CallerListFilter, CallerListInput, NewCallerListInput } from './repositories/caller-lists.js';
export { defaultCallSettings, type CallSettings, type CallSettingsInput } from './repositories/call-settings.js';
export { interactionStates, reservationStates, type Interaction, type InteractionState, type QueueRow, type ReservationState } from './routing-tables.js';
export { nodeRestartCause, type Recovery } from './repositories/recovery.js';
export {
  type AgentStateChange,
  type AgentStateEntry,
  type AgentStateFilter,
  type InteractionChange,
  type InteractionFilter,
  type Lease,
  type NewInteraction,
  type NewReservation,
  type ReservationEnd,
  type TimelineEntry,
  type TimelineEvent,
  type WrapUp,
} from './repositories/routing.js';
export type { NewTrunkInput, TrunkFilter, TrunkInput, TrunkOwner } from './repositories/trunks.js';
