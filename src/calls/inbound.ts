/**
 * How the call layer hands a new inbound call to the applications: it tells them who called
 * which number, they decide (refuse with a SIP status, or answer and serve), and it keeps the
 * SIP and media side. calls/ knows no tenants or flows; the decision carries a function instead.
 */
import type { DigestClientCredentials } from '../sip/index.js';
import type { LegRecord } from './call.js';
import type { CalledParty } from './called-party.js';
import type { Sound, VoiceChannel } from './voice-channel.js';

export interface IncomingCall {
  sipCallId: string;
  party: CalledParty;
  /** The host of the Request-URI: a tenant's SIP realm, or an address. */
  domain: string | undefined;
  /** The caller's display name from From, if any. */
  callerName: string | undefined;
  receivedAt: Date;
  /** Where the INVITE came from, written as a registrar binding's source. */
  source: string;
  /** The phone account that authenticated the INVITE (RFC 3261 §22.3), if it did. */
  authenticated?: { user: string; domain: string };
}

/** An answered call as an application serves it. */
export interface AnsweredLeg extends VoiceChannel {
  /** Kefu's id of the call: every leg of it shares it. */
  readonly callId: string;
  readonly sipCallId: string;
  readonly answeredAt: Date;
}

/**
 * Where a dialled number or extension can be reached: a registered phone's Contact and the flow
 * it registered from, or an outside number's Request-URI at a carrier's trunk, with what the
 * carrier wants: From, extra header fields (P-Asserted-Identity, RFC 3325), digest credentials.
 */
export interface DialTarget {
  uri: string;
  /** The next hop, `udp:addr:port` as the registrar keeps it. */
  source: string;
  /** The caller ID shown, for the leg's CDR; the dial's own when left out. */
  callerId?: string;
  /** The From header value (no tag); `<sip:callerId@kefu>` when left out. */
  from?: string;
  headers?: [name: string, value: string][];
  /** What to answer the next hop's 401/407 with (RFC 3261 §22.2). */
  credentials?: DigestClientCredentials;
  /**
   * For a trunk with a limit of calls at once: takes one for this leg, returning what gives it
   * back when the leg ends, or undefined when none is free.
   */
  seize?(): (() => void) | undefined;
}

export type CallDecision =
  /**
   * Refuse with a SIP status. With an `announcement`, the caller first hears it as early media
   * (183 Session Progress with SDP, RFC 3261 §13.3.1.1): told why, and not charged for an answer.
   */
  | { action: 'reject'; status: number; reason?: string; announcement?: Sound[] }
  /** Ask the caller to authenticate as a phone of `domain` first: 407 (RFC 3261 §22.3). */
  | { action: 'challenge'; domain: string }
  /**
   * Answer, then `serve`; when it returns and the caller is still there, Kefu hangs up.
   * `reach` says where a number or extension the flow dials can be found (the tenant's phones);
   * `owner` (a tenant, to the applications) is who may list and hang up the call; `onLeg` hears
   * of every other leg of the call (phones rung, transfer targets) when it ends, for its CDR.
   */
  | {
      action: 'answer';
      serve(leg: AnsweredLeg): Promise<void>;
      reach?(target: string): Promise<DialTarget[]>;
      owner?: string;
      onLeg?(record: LegRecord): void;
    };

/** A call in progress, as the call layer can tell it. */
export interface LiveCall {
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  caller: string | undefined;
  called: string | undefined;
  startedAt: Date;
  answered: boolean;
  /** The extension or number the caller is connected to now (an agent), or null. */
  party: string | null;
  /** Put on hold, or the agent muted, through the API. */
  held: boolean;
  muted: boolean;
  /** The colleague the party consults now (the caller on hold music), or null. */
  consulting: string | null;
  /** Others talk with the caller and the party (a conference). */
  conference: boolean;
}

export interface CallRouter {
  route(call: IncomingCall): Promise<CallDecision>;
}
