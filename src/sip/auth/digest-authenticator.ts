/**
 * The server side of SIP digest authentication (RFC 3261 §22.4, RFC 2617, RFC 8760): challenges
 * for SHA-256 and MD5, nonces that expire (`stale=true`, RFC 2617 §3.2.1), nonce-count replay
 * refusal, and responses checked against stored HA1 digests in constant time. An unknown user is
 * checked against a decoy so that nobody can tell known extensions from unknown ones.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DigestCredentials } from './digest-credentials.js';

export type DigestAlgorithm = 'SHA-256' | 'MD5';

/** HA1 of one user, as the directory stores it (see directory/sip-digest.ts). */
export interface StoredHa1 {
  md5: string;
  sha256: string;
}

export interface DigestAuthenticatorOptions {
  /** HMAC key that makes nonces unforgeable; random per node unless given (nodes of a cluster share it). */
  secret?: Buffer;
  /** How long a nonce is good for before the answer is 401 with stale=true. */
  nonceLifetimeMs: number;
  /** Offered in this order: RFC 8760 §2.4 lists the preferred algorithm first. */
  algorithms: DigestAlgorithm[];
  now: () => number;
  /** Nonces whose nonce-counts are remembered for replay checks; the oldest are forgotten. */
  maxTrackedNonces?: number;
}

export type DigestVerdict = 'ok' | 'stale' | 'invalid';

const hash = (algorithm: DigestAlgorithm, text: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');

/** The request-digest of RFC 2617 §3.2.2.1 (with qop=auth) or RFC 2069 (without qop). */
export function digestResponse(
  algorithm: DigestAlgorithm,
  ha1: string,
  method: string,
  credentials: Pick<DigestCredentials, 'nonce' | 'uri' | 'qop' | 'nc' | 'cnonce'>,
): string {
  const ha2 = hash(algorithm, `${method}:${credentials.uri}`);
  if (credentials.qop === undefined) return hash(algorithm, `${ha1}:${credentials.nonce}:${ha2}`);
  return hash(algorithm, `${ha1}:${credentials.nonce}:${credentials.nc}:${credentials.cnonce}:${credentials.qop}:${ha2}`);
}

export class DigestAuthenticator {
  readonly #secret: Buffer;
  readonly #seenCounts = new Map<string, number>();
  readonly #decoy: StoredHa1;

  constructor(private readonly options: DigestAuthenticatorOptions) {
    this.#secret = options.secret ?? randomBytes(32);
    const noise = randomBytes(16).toString('hex');
    this.#decoy = { md5: hash('MD5', noise), sha256: hash('SHA-256', noise) };
  }

  /** WWW-Authenticate / Proxy-Authenticate values for `realm`, one per algorithm (RFC 8760 §2.4). */
  challenges(realm: string, stale = false): string[] {
    const nonce = this.nonce();
    return this.options.algorithms.map(
      (algorithm) =>
        `Digest realm="${realm}", nonce="${nonce}", algorithm=${algorithm}, qop="auth"${stale ? ', stale=true' : ''}`,
    );
  }

  /**
   * Checks credentials for `method`. `ha1` is undefined for an unknown user: the check still runs,
   * against a decoy, and answers 'invalid' like a wrong password.
   */
  verify(method: string, credentials: DigestCredentials, realm: string, ha1: StoredHa1 | undefined): DigestVerdict {
    const algorithm = this.options.algorithms.find((a) => a.toUpperCase() === credentials.algorithm.toUpperCase());
    if (algorithm === undefined || credentials.realm !== realm) return 'invalid';
    // RFC 3261 §22.4: qop may be absent (RFC 2069 clients); if present it must be auth.
    if (credentials.qop !== undefined && credentials.qop !== 'auth') return 'invalid';
    const stored = ha1 ?? this.#decoy;
    const expected = Buffer.from(digestResponse(algorithm, algorithm === 'MD5' ? stored.md5 : stored.sha256, method, credentials));
    const given = Buffer.from(credentials.response);
    const matches = given.length === expected.length && timingSafeEqual(given, expected);
    const age = this.nonceAge(credentials.nonce);
    if (!matches || ha1 === undefined || age === undefined) return 'invalid';
    // RFC 2617 §3.2.1: a right answer to an old nonce asks the client to retry with a new one.
    if (age > this.options.nonceLifetimeMs) return 'stale';
    return this.freshCount(credentials) ? 'ok' : 'stale';
  }

  /**
   * A nonce: issue time, 8 random bytes and an HMAC of both, so any node with the secret can check
   * it without state. RFC 7616 §3.3: a nonce is made anew for each 401; without the random part,
   * two challenges in the same millisecond would share one, and the second client's nonce-count 1
   * would look like a replay of the first's.
   */
  private nonce(): string {
    const issued = Buffer.alloc(16);
    issued.writeBigUInt64BE(BigInt(Math.floor(this.options.now())));
    randomBytes(8).copy(issued, 8);
    const mac = createHmac('sha256', this.#secret).update(issued).digest().subarray(0, 16);
    return Buffer.concat([issued, mac]).toString('base64url');
  }

  /** Milliseconds since the nonce was issued, or undefined when this node never issued it. */
  private nonceAge(nonce: string): number | undefined {
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== 32) return undefined;
    const issued = bytes.subarray(0, 16);
    const mac = createHmac('sha256', this.#secret).update(issued).digest().subarray(0, 16);
    if (!timingSafeEqual(mac, bytes.subarray(16))) return undefined;
    return this.options.now() - Number(issued.readBigUInt64BE(0));
  }

  /** RFC 2617 §3.2.2: the nonce-count must grow with each use of a nonce, else it is a replay. */
  private freshCount(credentials: DigestCredentials): boolean {
    if (credentials.nc === undefined) return true;
    const count = Number.parseInt(credentials.nc, 16);
    const seen = this.#seenCounts.get(credentials.nonce) ?? 0;
    if (count <= seen) return false;
    this.#seenCounts.delete(credentials.nonce);
    this.#seenCounts.set(credentials.nonce, count);
    if (this.#seenCounts.size > (this.options.maxTrackedNonces ?? 100_000)) {
      const oldest = this.#seenCounts.keys().next().value;
      if (oldest !== undefined) this.#seenCounts.delete(oldest);
    }
    return true;
  }
}
