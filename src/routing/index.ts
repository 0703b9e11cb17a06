export { RoutingCore, type AgentView, type QueueStats, type RoutingCoreOptions } from './routing-core.js';
export type { Decision, InteractionMode, RefusalCode, ReservationOutcome, RoutingEvent, Step } from './events.js';
export { refusalCodes } from './events.js';
export { agentStates, IllegalAgentTransitionError, MISSED_REASON, presences, type AgentState, type Presence } from './agent-state.js';
export {
  asAgentId,
  asInteractionId,
  asQueueId,
  asReservationId,
  countingIds,
  type AgentId,
  type InteractionId,
  type QueueId,
  type ReservationId,
  type ReservationIdFactory,
} from './ids.js';
export { seededRandom, type RandomSource } from './random.js';
export type { ServiceLevelFigures } from './service-level.js';
export {
  agentProfileSchema,
  channels,
  interactionRequestSchema,
  queueSettingsSchema,
  strategies,
  type AgentProfile,
  type Channel,
  type InteractionRequest,
  type OverflowTarget,
  type QueueSettings,
  type SkillRequirement,
  type Strategy,
} from './settings.js';
export { AgentStateError, RoutingService, type AgentCommand, type AgentStateView, type RoutingServiceOptions } from './routing-service.js';
export { agentEndpoints, AgentEndpoints, remoteAgentSchema, screeningPrompt, type AgentDial, type AgentEndpoint, type RemoteAgentPolicy } from './remote-agent.js';
export type { AgentRow, CallbackCalls, Lease, QueueRow, RoutingDirectory, RoutingEvents, RoutingStore, ScreenPopSource } from './ports.js';
export { storeDirectory } from './store-directory.js';
export { storeScreenPop } from './store-screen-pop.js';
