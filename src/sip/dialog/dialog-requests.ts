/** The options of the requests a dialog sends. */
import type { SipResponse } from '../message/message.js';
import type { Replaces } from './refer.js';

export interface OutgoingRequestOptions {
  /** Extra header fields, after the ones the dialog writes (e.g. Content-Type). */
  headers?: [name: string, value: string][];
  body?: Buffer;
}

export interface ReferOptions {
  /** RFC 3891: the dialog the transfer target is to replace (attended transfer). */
  replaces?: Replaces;
  headers?: [name: string, value: string][];
}

/** A re-INVITE: with an offer in `body`, or without one (RFC 3261 §14.1, RFC 3264 §5). */
export interface ReinviteOptions extends OutgoingRequestOptions {
  /** Without an offer, the 2xx carries the peer's: the answer returned here goes in the ACK. */
  answer?(offer: SipResponse): { contentType: string; body: Buffer };
}
