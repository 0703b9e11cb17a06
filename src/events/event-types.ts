/**
 * What the live event stream carries (issue 6 item 6): the names of the events, the shape of each
 * one's data, and who may see it. Ids are plain strings here: this folder sits below the
 * applications, so routing's branded ids (which are strings) fit without an import upward.
 * docs/api-events.md describes the same shapes for clients.
 */

export const eventTypes = [
  'interaction.queued',
  'interaction.offered',
  'interaction.answered',
  'interaction.transferred',
  'interaction.ended',
  'interaction.wrapped_up',
  'call.held',
  'call.resumed',
  'call.muted',
  'call.unmuted',
  'call.dtmf_sent',
  'call.hung_up',
  'agent.state',
  'queue.stats',
  'call.monitored',
  'call.conference',
  'call.released',
  'agent.help',
  'agent.help_answered',
] as const;
export type EventType = (typeof eventTypes)[number];

export interface InteractionQueuedData {
  interactionId: string;
  queueId: string;
  channel: string;
  /** 1 = next to be served. */
  position: number;
  /** Back in the queue after an offer went unanswered, keeping its place. */
  requeued: boolean;
}

export interface InteractionOfferedData {
  interactionId: string;
  queueId: string;
  agentId: string;
  reservationId: string;
  channel: string;
  /** `callback`: the agent accepts, then the customer is called. */
  mode: 'live' | 'callback';
  /** Epoch ms when the offer rings out. */
  expiresAt: number;
  /** Who is calling and why, for the agent's screen before they answer (C6). */
  screenPop?: ScreenPopData;
}

/** The screen pop of an offer (C6): the customer found by the calling number, their history, and this call's way through the IVR. */
export interface ScreenPopData {
  /** The calling number (for a callback, the number to be called). */
  caller: string | null;
  customer: { id: string; name: string; company: string; vip: boolean; phones: string[]; emails: string[]; tags: string[]; notes: string } | null;
  /** The caller's latest interactions before this one, newest first. */
  recentInteractions: { id: string; queue: string | null; createdAt: string; endCause: string | null; agentId: string | null }[];
  /** The customer's latest cases, newest first. */
  cases: { id: string; number: string; type: string; status: string; createdAt: string }[];
  /** The IVR nodes this call went through before the queue, and the keys pressed. */
  ivr: { path: string[]; keys: string[] };
}

export interface InteractionAnsweredData {
  interactionId: string;
  /** Null for work given to the agent directly (an outbound call, a transfer to the agent). */
  queueId: string | null;
  agentId: string;
  reservationId: string | null;
  channel: string;
}

/** Where a transfer sends the interaction. */
export type TransferTarget =
  | { kind: 'agent'; agentId: string }
  | { kind: 'queue'; queueId: string }
  | { kind: 'department'; departmentId: string }
  | { kind: 'number'; number: string }
  | { kind: 'flow'; flowId: string };

export interface InteractionTransferredData {
  interactionId: string;
  /** The agent who transferred it; null when a flow or a supervisor moved it. */
  agentId: string | null;
  to: TransferTarget;
  /** `consult`: the agent spoke to the target first (attended transfer). */
  mode: 'blind' | 'consult';
}

export interface InteractionEndedData {
  interactionId: string;
  queueId: string | null;
  /** The agent who had it; null when it ended before anyone answered. */
  agentId: string | null;
  /** `abandoned`: ended waiting or ringing; `completed`: ended after an answer; `overflowed`: left for a flow, voicemail or callback. */
  outcome: 'abandoned' | 'completed' | 'overflowed';
  waitedMs: number | null;
  talkMs: number | null;
}

/** The agent's wrap-up of an interaction (disposition code and note). */
export interface InteractionWrappedUpData {
  interactionId: string;
  agentId: string | null;
  disposition: string;
  note: string | null;
  /** Who wrote it: the agent, or a supervisor for them. */
  by: string;
}

/** A CTI operation on a call in progress (FEATURES D2). */
export interface CallControlData {
  sipCallId: string;
  /** The agent the caller is connected to, when that is an agent of the tenant. */
  agentId: string | null;
  /** The user who asked (the agent, or a supervisor). */
  by: string;
  /** `call.dtmf_sent`: the keys sent to the caller. */
  digits?: string;
}

export interface AgentStateData {
  agentId: string;
  from: string;
  to: string;
  reason: string | null;
  presence: string;
  /** The supervisor who forced the change, or null. */
  by: string | null;
}

export interface QueueStatsData {
  queueId: string;
  waiting: number;
  longestWaitMs: number;
  serviceLevel: {
    /** Null until something was answered or abandoned late in the window. */
    percent: number | null;
    answered: number;
    answeredWithinThreshold: number;
    abandoned: number;
    targetPercent: number;
    thresholdSeconds: number;
  };
  /** Agents of the queue by state (`ready`, `busy`, `wrap_up` …). */
  agents: Record<string, number>;
}

export interface CallMonitoredData {
  sipCallId: string;
  /** The supervisor's name, and the phone (extension) they monitor from. */
  supervisor: string;
  phone: string;
  /** How they take part now; null when the monitoring ended. */
  mode: 'listen' | 'whisper' | 'barge' | null;
}

export interface CallConferenceData {
  sipCallId: string;
  /** The extension or number that joined or left. */
  party: string;
  action: 'joined' | 'left';
  /** Parties talking in the call now. */
  parties: number;
  /** The agent whose conference it is, when an agent set it up. */
  agentId: string | null;
}

export interface CallReleasedData {
  sipCallId: string;
  /** The supervisor who released the call, and the extension of the agent it was connected to. */
  by: string;
  agent: string | null;
}

/** An agent asked for a supervisor (their desktop's "call supervisor"). */
export interface AgentHelpData {
  helpId: string;
  agentId: string;
  extension: string;
  displayName: string;
  /** What the agent wrote, if anything. */
  note: string | null;
}

/** A supervisor took up an agent's help request. */
export interface AgentHelpAnsweredData {
  helpId: string;
  agentId: string;
  /** The supervisor's name. */
  by: string;
}

export interface EventDataByType {
  'interaction.queued': InteractionQueuedData;
  'interaction.offered': InteractionOfferedData;
  'interaction.answered': InteractionAnsweredData;
  'interaction.transferred': InteractionTransferredData;
  'interaction.ended': InteractionEndedData;
  'interaction.wrapped_up': InteractionWrappedUpData;
  'call.held': CallControlData;
  'call.resumed': CallControlData;
  'call.muted': CallControlData;
  'call.unmuted': CallControlData;
  'call.dtmf_sent': CallControlData;
  'call.hung_up': CallControlData;
  'agent.state': AgentStateData;
  'queue.stats': QueueStatsData;
  'call.monitored': CallMonitoredData;
  'call.conference': CallConferenceData;
  'call.released': CallReleasedData;
  'agent.help': AgentHelpData;
  'agent.help_answered': AgentHelpAnsweredData;
}

/**
 * Who may see an event besides the tenant's supervisors and administrators, who see all of it:
 * `all` — everyone of the tenant; `supervisors` — nobody else; `agents` — these agents.
 */
export type Audience = 'all' | 'supervisors' | { agentId: string } | { agentIds: readonly string[] };

/** What a publisher hands in; without an audience, `defaultAudience` decides. */
export type NewEvent = {
  [T in EventType]: { type: T; audience?: Audience; data: EventDataByType[T] };
}[EventType];

/** An event as the stream holds and sends it. */
export type StreamEvent = {
  [T in EventType]: {
    /** Per tenant, increasing by one for every event published (a filtered view sees gaps). */
    seq: number;
    type: T;
    /** ISO 8601 time of publication. */
    at: string;
    data: EventDataByType[T];
    audience: Audience;
  };
}[EventType];

/**
 * The audience an event has when the publisher names none: an agent's state goes to that agent;
 * an interaction to the agents it involves (none: supervisors only); queue statistics to all;
 * a call's monitoring and release to supervisors only, its conference to the agent who set it up;
 * an agent's help request to supervisors, its answer to the agent too.
 */
export function defaultAudience(event: NewEvent): Audience {
  switch (event.type) {
    case 'queue.stats':
      return 'all';
    case 'agent.state':
    case 'interaction.offered':
    case 'interaction.answered':
      return { agentId: event.data.agentId };
    case 'interaction.ended':
    case 'interaction.wrapped_up':
    case 'call.held':
    case 'call.resumed':
    case 'call.muted':
    case 'call.unmuted':
    case 'call.dtmf_sent':
    case 'call.hung_up':
      return event.data.agentId === null ? 'supervisors' : { agentId: event.data.agentId };
    case 'interaction.transferred': {
      const agents = [event.data.agentId, event.data.to.kind === 'agent' ? event.data.to.agentId : null].filter((id) => id !== null);
      return agents.length === 0 ? 'supervisors' : { agentIds: agents };
    }
    case 'interaction.queued':
    case 'call.monitored':
    case 'call.released':
      return 'supervisors';
    case 'call.conference':
      return event.data.agentId === null ? 'supervisors' : { agentId: event.data.agentId };
    case 'agent.help':
      return 'supervisors';
    case 'agent.help_answered':
      return { agentId: event.data.agentId };
    default: {
      const unknown: never = event;
      throw new Error(`no default audience for ${(unknown as NewEvent).type}`);
    }
  }
}

/** Who is watching: the whole tenant (supervisors, administrators), or an agent (or nobody in particular). */
export type Viewer = { kind: 'supervisor' } | { kind: 'member'; agentId: string | null };

export function canSee(viewer: Viewer, audience: Audience): boolean {
  if (viewer.kind === 'supervisor' || audience === 'all') return true;
  if (audience === 'supervisors' || viewer.agentId === null) return false;
  return 'agentId' in audience ? audience.agentId === viewer.agentId : audience.agentIds.includes(viewer.agentId);
}
