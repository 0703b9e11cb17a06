/**
 * Flows: each tenant's voice services as versioned JSON documents (FEATURES B1–B11). So far the
 * document's schema and its checks, and the interpreter that runs a flow on a call's VoiceChannel.
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
export type { FlowServices, GatewayResult, MailboxAccess, ScheduleState } from './services.js';
export type { TraceEntry } from './trace.js';
export { caseDay, storeServices, type CallFacts, type StoreServicesOptions } from './store-services.js';
export { seedDemoFlows, type DemoMailboxPin } from './demo.js';
export { VoiceService, type VoiceLog, type VoiceServiceOptions } from './inbound.js';
