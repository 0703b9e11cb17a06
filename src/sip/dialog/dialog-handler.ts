/**
 * What the layer above (calls) gives the dialog layer: the DialogHandler delegate that hears of
 * ACKs, offers inside a dialog, REFER, INFO, NOTIFY and the end of each dialog. Also the record
 * the dialog layer keeps per dialog.
 */
import type { ResponseOptions } from '../message/response-builder.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { TimerSet } from '../transaction/timers.js';
import type { Dialog } from './dialog.js';
import type { OutgoingRequestOptions } from './dialog-requests.js';
import type { ReferTo } from './refer.js';
import type { SessionTimer } from './session-timer.js';

/** Answers a request: provisional responses, then one final one (later calls are ignored). */
export type Respond = (status: number, options?: ResponseOptions) => void;

/** A REFER the peer sent (RFC 3515), accepted with 202; report the referred call with `notify`. */
export interface ReferRequest {
  request: SipRequest;
  referTo: ReferTo;
  /**
   * RFC 3515 §2.4.4: a NOTIFY whose sipfrag body is `SIP/2.0 <status>`; a final status (≥ 200)
   * ends the implicit subscription. Resolves on the NOTIFY's response; undefined once ended.
   */
  notify(status: number): Promise<SipResponse | undefined>;
}

export interface DialogHandler {
  /** The ACK of our 2xx arrived (§13.3.1.4); its body, if any, is the answer to our 2xx offer. */
  onAck?(dialog: Dialog, ack: SipRequest): void;
  /** The dialog is over; `bye` is the peer's BYE when that ended it (its Reason header, RFC 3326, says why). */
  onEnd?(dialog: Dialog, reason: DialogEndReason, bye?: SipRequest): void;
  /**
   * A re-INVITE (§14.2) or UPDATE (RFC 3311) with an offer, or a re-INVITE without one (our 2xx
   * then carries the offer): answer with `respond`, the SDP answer in the body. Hold and resume
   * arrive here as `a=sendonly` / `a=sendrecv` offers. Without this delegate: 488.
   */
  onOffer?(dialog: Dialog, request: SipRequest, respond: Respond): void;
  /** A REFER (already answered 202, the first NOTIFY sent). Without this delegate: 603. */
  onRefer?(dialog: Dialog, refer: ReferRequest): void;
  /** An INFO (RFC 6086), e.g. application/dtmf-relay. Without this delegate: 200. */
  onInfo?(dialog: Dialog, request: SipRequest, respond: Respond): void;
  /** A NOTIFY for a REFER we sent, with the status of its sipfrag body (answered 200 already). */
  onNotify?(dialog: Dialog, request: SipRequest, status: number | undefined): void;
  /**
   * The WebSocket connection the peer is reached on closed (a browser page reloaded or went
   * away): RFC 7118 §5 leaves no other way to reach it, so no BYE will come or go. The dialog
   * stays until the layer above ends it. Without this delegate: nothing happens.
   */
  onFlowLost?(dialog: Dialog): void;
}

export type DialogEndReason =
  /** The peer's BYE. */
  | 'bye'
  /** Our BYE (§15.1.1: the session ends when it is sent). */
  | 'local-bye'
  /** No ACK for our 2xx within 64·T1 (§13.3.1.4). */
  | 'no-ack'
  /** Nobody refreshed the session in time (RFC 4028 §10). */
  | 'session-expired'
  /** A request inside the dialog got 481 or 408 (§12.2.1.2). */
  | 'gone';

export interface DialogEntry {
  dialog: Dialog;
  timers: TimerSet;
  /** §13.3.1.4: the CSeq of our 2xx to an INVITE that awaits its ACK. */
  unacked: number | undefined;
  /** §14.2, RFC 3311 §5.2: an INVITE or UPDATE offer of the peer awaits our final response. */
  serverOffer: boolean;
  /** §14.1, RFC 3311 §5.1: our INVITE or UPDATE offer awaits its final response. */
  clientOffer: boolean;
  /** §13.2.2.4: the ACK of our last INVITE's 2xx, sent again for each retransmitted 2xx. */
  lastAck: SipRequest | undefined;
  session: SessionTimer;
  /** The last session description we sent, for a refresh by re-INVITE (RFC 4028 §7.4). */
  localBody: OutgoingRequestOptions | undefined;
  peerAllowsUpdate: boolean;
  /** Settles what waits on a timer of the dialog (a §14.1 retry) when the dialog ends first. */
  abandoned: (() => void) | undefined;
}
