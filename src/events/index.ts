export { EventHub, type EventHubOptions, type Resumption, type Subscriber, type Subscription } from './event-hub.js';
export {
  canSee,
  defaultAudience,
  eventTypes,
  type AgentStateData,
  type CallConferenceData,
  type CallMonitoredData,
  type CallReleasedData,
  type Audience,
  type EventDataByType,
  type EventType,
  type InteractionAnsweredData,
  type InteractionEndedData,
  type InteractionOfferedData,
  type InteractionQueuedData,
  type InteractionTransferredData,
  type NewEvent,
  type QueueStatsData,
  type StreamEvent,
  type TransferTarget,
  type Viewer,
} from './event-types.js';
export { QueueStatsFeed, systemStatsClock, type QueueStatsFeedOptions, type QueueStatsProvider, type StatsClock } from './queue-stats-feed.js';
