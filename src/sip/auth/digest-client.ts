/**
 * The client side of SIP digest authentication (RFC 3261 §22.2, §22.3): a 401's WWW-Authenticate
 * or a 407's Proxy-Authenticate answered with Authorization or Proxy-Authorization, for MD5 and
 * SHA-256 (RFC 8760 §2) and their -sess forms, with qop=auth (RFC 7616 §3.4) or without (RFC 2069).
 * A challenge Kefu cannot answer (another realm, scheme, algorithm or qop) leaves the request
 * unanswered: the 401/407 is then its final response.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Fault } from '../fault.js';
import { quote } from '../message/cursor.js';
import { parseCredentials } from '../message/credentials.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { serializeUri } from '../uri.js';
import { digestResponse, type DigestAlgorithm } from './digest-authenticator.js';

/** What Kefu answers a peer's challenge with: a carrier account's username and password. */
export interface DigestClientCredentials {
  username: string;
  password: string;
  /** Only challenges of this realm are answered; those of any realm when left out. */
  realm?: string;
}

interface Challenge {
  realm: string;
  nonce: string;
  algorithm: DigestAlgorithm;
  /** RFC 7616 §3.4.2: `-sess` algorithms fold the nonce and cnonce into HA1. */
  session: boolean;
  /** Whether the challenge offered qop=auth; absent qop is the RFC 2069 form. */
  qop: boolean;
  opaque: string | undefined;
}

const hash = (algorithm: DigestAlgorithm, text: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');

/** A Digest challenge Kefu can answer, or undefined. */
function readChallenge(value: string): Challenge | undefined {
  const parsed = parseCredentials(value);
  if (parsed instanceof Fault || parsed.scheme.toLowerCase() !== 'digest') return undefined;
  const { params } = parsed;
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined) return undefined;
  // RFC 3261 §22.4 / RFC 8760 §2.3: MD5 when no algorithm is named.
  const named = (params.get('algorithm') ?? 'MD5').toUpperCase();
  const session = named.endsWith('-SESS');
  const base = session ? named.slice(0, -'-SESS'.length) : named;
  if (base !== 'MD5' && base !== 'SHA-256') return undefined;
  // RFC 7616 §3.3: qop is a quoted list; Kefu answers `auth` (not auth-int, which hashes the body).
  const offered = params.get('qop')?.split(',').map((q) => q.trim().toLowerCase());
  if (offered !== undefined && !offered.includes('auth')) return undefined;
  // RFC 7616 §3.4.2: the -sess forms need a cnonce, which exists only with qop.
  if (session && offered === undefined) return undefined;
  return { realm, nonce, algorithm: base, session, qop: offered !== undefined, opaque: params.get('opaque') };
}

/**
 * RFC 3261 §22.2, §22.3: the header field answering the challenges of `response` (401 or 407) to
 * `request`, or undefined when none can be answered with `credentials`. RFC 8760 §2.4: a server
 * may challenge once per algorithm, preferred first; the topmost one Kefu supports is answered.
 */
export function answerChallenge(
  request: SipRequest,
  response: SipResponse,
  credentials: DigestClientCredentials,
  cnonce: string = randomBytes(12).toString('hex'),
): [name: string, value: string] | undefined {
  const proxy = response.status === 407;
  const challenge = response.headers
    .getAll(proxy ? 'proxy-authenticate' : 'www-authenticate')
    .map(readChallenge)
    .find((c) => c !== undefined && (credentials.realm === undefined || c.realm === credentials.realm));
  if (challenge === undefined) return undefined;
  const uri = serializeUri(request.uri);
  // RFC 7616 §3.4.5: a new nonce is used with nonce-count 1.
  const counted = challenge.qop ? { qop: 'auth', nc: '00000001', cnonce } : {};
  let ha1 = hash(challenge.algorithm, `${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (challenge.session) ha1 = hash(challenge.algorithm, `${ha1}:${challenge.nonce}:${cnonce}`);
  const digest = digestResponse(challenge.algorithm, ha1, request.method, { nonce: challenge.nonce, uri, ...counted });
  const algorithm = `${challenge.algorithm}${challenge.session ? '-sess' : ''}`;
  const fields = [
    `username=${quote(credentials.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `response=${quote(digest)}`,
    `algorithm=${algorithm}`,
    ...(challenge.qop ? [`qop=auth`, `nc=00000001`, `cnonce=${quote(cnonce)}`] : []),
    // RFC 7616 §3.4: the opaque value goes back unchanged.
    ...(challenge.opaque === undefined ? [] : [`opaque=${quote(challenge.opaque)}`]),
  ];
  return [proxy ? 'Proxy-Authorization' : 'Authorization', `Digest ${fields.join(', ')}`];
}

/**
 * RFC 3261 §8.1.3.5, §22.2: the request sent again with credentials for the challenge of
 * `response`: the same Call-ID, From (with its tag), To and body, CSeq `seq`, and no Via (the
 * transaction layer adds one with a new branch: it is a new transaction). Undefined when the
 * challenge cannot be answered.
 */
export function withCredentials(request: SipRequest, response: SipResponse, credentials: DigestClientCredentials, seq: number): SipRequest | undefined {
  const answer = answerChallenge(request, response, credentials);
  if (answer === undefined) return undefined;
  const headers = request.headers.clone();
  headers.remove('Via');
  headers.remove(answer[0]);
  headers.set('CSeq', `${seq} ${request.method}`);
  headers.append(answer[0], answer[1]);
  return new SipRequest(request.method, request.uri, headers, request.body);
}
