/** The options of the requests a dialog sends. */
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
