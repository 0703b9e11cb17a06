/**
 * What a UAS checks in a request that parsed, before it acts on it (RFC 3261 §8.2.1–§8.2.3), and
 * what makes a response unusable. The answer names the status and the headers it must carry.
 */
import { Fault } from '../fault.js';
import { isSipUri } from '../uri.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseNameAddr } from './name-addr.js';

export interface RequestPolicy {
  /** Methods the element implements (RFC 3261 §8.2.1: others get 501 with Allow). */
  methods: readonly string[];
  /** URI schemes it handles in the Request-URI (RFC 3261 §8.2.2.1: others get 416). */
  schemes: readonly string[];
  /** Option tags it supports (RFC 3261 §8.2.2.3: others in Require get 420). */
  extensions: readonly string[];
  /** Body types it understands (RFC 3261 §8.2.3: others get 415 with Accept). */
  bodyTypes: readonly string[];
  /** Body type it answers INVITE with; an Accept that excludes it gets 406 (RFC 3261 §21.4.7). */
  answerType: string;
  /** A proxy answers Max-Forwards 0 with 483 (RFC 3261 §16.3); an endpoint processes it. */
  role: 'endpoint' | 'proxy';
}

export const DEFAULT_REQUEST_POLICY: Readonly<RequestPolicy> = Object.freeze({
  methods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'UPDATE', 'REFER', 'NOTIFY', 'SUBSCRIBE', 'MESSAGE', 'PRACK'],
  schemes: ['sip', 'sips', 'tel'],
  // RFC 4028: session timers.
  extensions: ['timer'],
  // RFC 3515 §2.4.5 sipfrag in NOTIFY; DTMF relayed in INFO (RFC 6086 legacy usage).
  bodyTypes: ['application/sdp', 'multipart/mixed', 'multipart/alternative', 'text/plain', 'message/sipfrag', 'application/dtmf-relay', 'application/dtmf'],
  answerType: 'application/sdp',
  role: 'endpoint',
});

export interface Rejection {
  status: number;
  reason: string;
  /** Header fields the answer must carry (Allow, Unsupported, Accept). */
  headers: [name: string, value: string][];
}

const reject = (status: number, reason: string, headers: [string, string][] = []): Rejection => ({ status, reason, headers });

/** undefined when the request may be processed, else the answer to send. */
export function validateRequest(request: SipRequest, policy: Partial<RequestPolicy> = {}): Rejection | undefined {
  const rules = { ...DEFAULT_REQUEST_POLICY, ...policy };
  // RFC 3261 §8.2.1: an unknown method gets 501 with the Allow header.
  if (!rules.methods.includes(request.method)) return reject(501, `method ${request.method} is not one this server handles`, [['Allow', rules.methods.join(', ')]]);
  // RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via are mandatory (Max-Forwards is not required
  // from RFC 2543 elements, RFC 4475 §3.4.1).
  for (const name of ['To', 'From', 'Call-ID', 'CSeq', 'Via']) {
    if (!request.headers.has(name)) return reject(400, `${name} header is missing`);
  }
  // RFC 3261 §8.1.1.5: the CSeq method MUST match the request's method.
  if (request.cseq?.method !== request.method) return reject(400, 'CSeq method does not match the request method');
  // RFC 3261 §8.2.2.1: a Request-URI scheme the element does not understand gets 416.
  if (!rules.schemes.includes(request.uri.scheme)) return reject(416, `URI scheme ${request.uri.scheme} is not supported`);
  // RFC 3261 §20.17: Date is rfc1123-date and always GMT (RFC 4475 §3.1.2.12).
  const date = request.headers.get('date');
  if (date !== undefined && !RFC1123.test(date)) return reject(400, 'Date is not an RFC 1123 date in GMT');
  if (request.method === 'REGISTER') {
    // RFC 3261 §10.3 and §10.2: the address-of-record and bound Contacts are SIP or SIPS URIs.
    const to = request.to;
    if (to === undefined || !isSipUri(to.uri)) return reject(400, 'the To of a REGISTER must be a sip: or sips: URI');
    // RFC 3261 §10.3 step 6: "*" stands alone and only with Expires: 0.
    const contacts = request.headers.list('contact');
    if (contacts.includes('*') && (contacts.length > 1 || request.headers.get('expires') !== '0')) {
      return reject(400, 'Contact "*" must be the only contact and come with Expires: 0');
    }
  }
  // RFC 3261 §16.3 step 3 (RFC 4475 §3.3.11): a proxy does not forward Max-Forwards 0; it answers 483.
  if (rules.role === 'proxy' && request.maxForwards === 0) return reject(483, 'Max-Forwards reached 0');
  // RFC 3261 §8.2.2.3: unsupported option tags in Require get 420 with Unsupported; never for ACK
  // or CANCEL.
  if (request.method !== 'ACK' && request.method !== 'CANCEL') {
    const unknown = request.headers.list('require').filter((tag) => !rules.extensions.includes(tag));
    if (unknown.length > 0) return reject(420, 'unsupported extension required', [['Unsupported', unknown.join(', ')]]);
  }
  // RFC 3261 §8.2.3: a body of a type the UAS does not understand gets 415 listing what it accepts.
  if (request.body.length > 0) {
    const type = mediaType(request.headers.get('content-type') ?? 'application/sdp');
    if (!rules.bodyTypes.includes(type)) return reject(415, `body type ${type} is not supported`, [['Accept', rules.bodyTypes.join(', ')]]);
    const encoding = request.headers.list('content-encoding').filter((coding) => coding.toLowerCase() !== 'identity');
    if (encoding.length > 0) return reject(415, 'content encoding is not supported', [['Accept-Encoding', 'identity']]);
  }
  // RFC 3261 §20.1, §21.4.7: an INVITE whose Accept leaves out the answer's type gets 406.
  if (request.method === 'INVITE' && request.headers.has('accept') && !accepts(request.headers.list('accept'), rules.answerType)) {
    return reject(406, `Accept does not allow ${rules.answerType}`, [['Accept', rules.answerType]]);
  }
  return undefined;
}

/**
 * RFC 3261 §18.1.2: a response whose top Via is missing or whose mandatory headers are missing
 * is discarded. true when the response is usable.
 */
export function validateResponse(response: SipResponse): boolean {
  for (const name of ['To', 'From', 'Call-ID', 'CSeq', 'Via']) if (!response.headers.has(name)) return false;
  if (response.via.length === 0 || response.cseq === undefined) return false;
  return !(parseNameAddr(response.headers.get('to') ?? '') instanceof Fault);
}

// RFC 3261 §25.1: rfc1123-date = wkday "," SP date1 SP time SP "GMT"
const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$/;

/** `type/subtype` in lower case, parameters dropped. */
export function mediaType(value: string): string {
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).replace(/\s+/g, '').toLowerCase();
}

function accepts(ranges: string[], type: string): boolean {
  const [major] = type.split('/');
  return ranges.some((range) => {
    const media = mediaType(range);
    return media === '*/*' || media === type || media === `${major}/*`;
  });
}
