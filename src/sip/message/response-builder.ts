/**
 * Responses built from the request they answer (RFC 3261 §8.2.6), from a parsed SipRequest or
 * from the partial request a parse failure carries, so that a malformed request still gets 400.
 */
import { randomBytes } from 'node:crypto';
import { Fault } from '../fault.js';
import { quote, paramValue } from './cursor.js';
import { HeaderList } from './header-list.js';
import { SipResponse, type SipRequest } from './message.js';
import { parseNameAddr } from './name-addr.js';
import type { PartialRequest } from './parser.js';

// RFC 3261 §21 (and RFC 4028 §6 422, RFC 6086 §11.6 469, RFC 6665 §8.3.1 489): the reason phrases this stack sends by default.
const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 202: 'Accepted', 300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 410: 'Gone',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme', 420: 'Bad Extension', 421: 'Extension Required', 422: 'Session Interval Too Small',
  423: 'Interval Too Brief', 469: 'Bad Info Package', 489: 'Bad Event',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected',
  483: 'Too Many Hops', 484: 'Address Incomplete', 486: 'Busy Here', 487: 'Request Terminated',
  488: 'Not Acceptable Here', 491: 'Request Pending', 500: 'Server Internal Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Server Time-out', 505: 'Version Not Supported',
  513: 'Message Too Large', 600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? REASONS[Math.floor(status / 100) * 100] ?? 'Unknown';
}

export interface ResponseOptions {
  reason?: string;
  /** The UAS's To tag; a random one is made when the request had none and none is given. */
  toTag?: string;
  /** Extra header fields, appended in order after the copied ones. */
  headers?: [name: string, value: string][];
  body?: Buffer;
  /** RFC 3261 §20.43: adds `Warning: 399 <agent> "<text>"`, e.g. what made a request bad. */
  warning?: { agent: string; text: string };
}

/** A fresh To tag: 64 random bits (RFC 3261 §19.3 asks for at least 32). */
export const newTag = (): string => randomBytes(8).toString('hex');

/** RFC 3261 §8.2.6: what a response must copy is present (Via, From, To, Call-ID, CSeq). */
export function canAnswer(request: SipRequest | PartialRequest): boolean {
  return ['via', 'from', 'to', 'call-id', 'cseq'].every((name) => request.headers.has(name));
}

export function createResponse(request: SipRequest | PartialRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const headers = new HeaderList();
  // RFC 3261 §8.2.6.2: Via values are copied in order; From, Call-ID and CSeq are copied.
  for (const field of request.headers.fields) {
    if (field.key === 'via') headers.append('Via', field.value);
  }
  copy(request.headers, headers, 'From');
  // A malformed request may repeat them (RFC 4475 §3.3.8): every copy is kept, untouched.
  const to = request.headers.getAll('to');
  if (to.length === 1) headers.append('To', withToTag(to[0] as string, status, options.toTag));
  else for (const value of to) headers.append('To', value);
  copy(request.headers, headers, 'Call-ID');
  copy(request.headers, headers, 'CSeq');
  // RFC 3261 §8.2.6.1: a 100 (Trying) copies the request's Timestamp.
  if (status === 100) copy(request.headers, headers, 'Timestamp');
  if (options.warning) headers.append('Warning', `399 ${options.warning.agent} ${quote(options.warning.text)}`);
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  return new SipResponse(status, options.reason ?? reasonPhrase(status), headers, options.body ?? Buffer.alloc(0));
}

function copy(from: HeaderList, to: HeaderList, name: string): void {
  for (const value of from.getAll(name)) to.append(name, value);
}

/**
 * RFC 3261 §8.2.6.2: a To without a tag gets the UAS's tag, except in 100 (Trying), which
 * creates no dialog. A To that does not parse is copied as it is.
 */
function withToTag(to: string, status: number, toTag: string | undefined): string {
  if (status === 100) return to;
  const parsed = parseNameAddr(to);
  if (parsed instanceof Fault || paramValue(parsed.params, 'tag') !== undefined) return to;
  return `${to};tag=${toTag ?? newTag()}`;
}
