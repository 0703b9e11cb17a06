/**
 * Flows: each tenant's voice services as versioned JSON documents (FEATURES B1–B11). So far the
 * document's schema and its checks; the parts nodes run with: templates and conditions,
 * schedules (B9) and the business gateway (B3, I2); the interpreter that runs a flow on a call's
 * VoiceChannel, over the store's data (storeServices); inbound calls to flows (VoiceService).
 */
export {
  exitTargets,
  flowDocument,
  flowNode,
  FLOW_SCHEMA_VERSION,
  languages,
  type Announcement,
  type FlowDocument,
  type FlowDocumentInput,
  type FlowNode,
  type Language,
  type NodeOf,
  type NodeType,
} from './document.js';
export { builtInVariables, templateVariables, validateFlow, type FlowContext, type FlowProblem, type FlowValidation } from './validate.js';
export { FlowRun, type FlowOutcome, type FlowStart } from './interpreter.js';
export type { FlowServices, MailboxAccess } from './services.js';
export type { TraceEntry } from './trace.js';
export { storeServices, type CallFacts, type StoreServicesOptions } from './store-services.js';
export { seedDemoFlows, type DemoMailboxPin } from './demo.js';
export { VoiceService, type VoiceLog, type VoiceServiceOptions } from './inbound.js';
export { compilePattern, conditionHolds, matchesWhole, maxPatternLength, renderTemplate, variable, type Escape, type Variables } from './template.js';
export { localTime, scheduleExit, scheduleState, type LocalTime, type ScheduleContext, type ScheduleState } from './schedule.js';
export { parseAnswerPath, readAnswer } from './answer-path.js';
export { callGateway, defaultMaxAnswerBytes, type GatewayFailure, type GatewayOptions, type GatewayResult } from './http-gateway.js';
export { constantTexts, warmSpeech, type Speak } from './warm-up.js';
