/**
 * How the call layer hands a new inbound call to the applications: it tells them who called
 * which number, they decide (refuse with a SIP status, or answer and serve), and it keeps the
 * SIP and media side. calls/ knows no tenants or flows; the decision carries a function instead.
 */
import type { CalledParty } from './called-party.js';
import type { VoiceChannel } from './voice-channel.js';

export interface IncomingCall {
  sipCallId: string;
  party: CalledParty;
  /** The host of the Request-URI: a tenant's SIP realm, or an address. */
  domain: string | undefined;
  /** The caller's display name from From, if any. */
  callerName: string | undefined;
  receivedAt: Date;
}

export type LegEndCause = 'caller-hung-up' | 'kefu-hung-up' | 'media-timeout' | 'failed';

export interface LegEnd {
  at: Date;
  cause: LegEndCause;
}

/** An answered call as an application serves it. */
export interface AnsweredLeg extends VoiceChannel {
  readonly sipCallId: string;
  readonly answeredAt: Date;
  /** Settles once when the leg is over, for whatever reason. */
  readonly ended: Promise<LegEnd>;
}

/** Where a dialled number or extension can be reached: a registered phone's Contact and the flow it registered from. */
export interface DialTarget {
  uri: string;
  /** `udp:addr:port` as the registrar keeps it. */
  source: string;
}

export type CallDecision =
  | { action: 'reject'; status: number; reason?: string }
  /**
   * Answer, then `serve`; when it returns and the caller is still there, Kefu hangs up.
   * `reach` says where a number or extension the flow dials can be found (the tenant's phones);
   * `owner` (a tenant, to the applications) is who may list and hang up the call.
   */
  | { action: 'answer'; serve(leg: AnsweredLeg): Promise<void>; reach?(target: string): Promise<DialTarget[]>; owner?: string };

/** A call in progress, as the call layer can tell it. */
export interface LiveCall {
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  caller: string | undefined;
  called: string | undefined;
  startedAt: Date;
  answered: boolean;
}

export interface CallRouter {
  route(call: IncomingCall): Promise<CallDecision>;
}
