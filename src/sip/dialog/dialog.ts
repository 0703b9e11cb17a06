/**
 * A dialog as the UAS sees it (RFC 3261 §12): its id (Call-ID, local and remote tags), the
 * remote target and route set taken from the request that made it, and the remote CSeq that
 * orders the requests inside it (§12.2.2).
 */
import type { SipRequest } from '../message/message.js';
import type { Peer } from '../transport/peer.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

export class Dialog {
  state: DialogState = 'early';
  /** The remote party's CSeq number: requests inside the dialog must not go back (§12.2.2). */
  remoteSeq: number;
  /** §12.1.1: the remote target is the request's Contact; the route set its Record-Route, in order. */
  readonly remoteTarget: string | undefined;
  readonly routeSet: string[];

  constructor(
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    readonly invite: SipRequest,
    readonly peer: Peer,
  ) {
    this.remoteSeq = invite.cseq?.seq ?? 0;
    const contact = invite.contacts;
    this.remoteTarget = contact === undefined || contact === '*' || contact[0] === undefined ? undefined : invite.headers.list('contact')[0];
    this.routeSet = invite.headers.list('record-route');
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }
}
