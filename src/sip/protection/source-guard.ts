/**
 * Protection against the SIP scanners and toll-fraud attempts that hit every public server:
 * per source address, a request rate (token bucket), a limit on failed authentications and one on
 * requests for unknown users. A source beyond any of them is ignored for a cooling period and a
 * security event is raised. Known scanner user agents may be dropped without an answer. Trusted
 * sources (a carrier's SBC, a proxy in front of Kefu) carry many callers' traffic and are never
 * limited.
 */

export type SecurityReason = 'request-flood' | 'auth-failures' | 'unknown-users';

export interface SecurityEvent {
  source: string;
  reason: SecurityReason;
  /** When the source is heard again (ms, on the guard's clock). */
  until: number;
}

export interface SourceGuardOptions {
  /** Sustained requests per second per source, and the burst allowed above it. */
  requestsPerSecond: number;
  burst: number;
  /** Failed authentications allowed per source within `windowMs`. */
  maxAuthFailures: number;
  /** Requests for users that do not exist allowed per source within `windowMs`. */
  maxUnknownUsers: number;
  windowMs: number;
  /** How long a blocked source is ignored. */
  coolingMs: number;
  /** Sources tracked at most; the least recently seen are forgotten first. */
  maxSources: number;
  /** Addresses never limited nor blocked. */
  trusted?: (source: string) => boolean;
  now: () => number;
  onBlock: (event: SecurityEvent) => void;
}

interface SourceState {
  tokens: number;
  refilledAt: number;
  authFailures: number[];
  unknownUsers: number[];
  blockedUntil: number;
}

/** User-Agent values of well-known SIP scanners (SIPVicious and its copies, sipcli, …). */
const scannerAgents = /friendly-scanner|sipvicious|sipcli|sip-scan|vaxsipuseragent|sundayddr|iwar|smap|pplsip|\bsipptk\b/i;

export function isScanner(userAgent: string | undefined): boolean {
  return userAgent !== undefined && scannerAgents.test(userAgent);
}

export class SourceGuard {
  readonly #sources = new Map<string, SourceState>();

  constructor(private readonly options: SourceGuardOptions) {}

  /** Whether a request from `source` is to be handled at all; counts it against the rate. */
  admit(source: string): boolean {
    if (this.options.trusted?.(source) === true) return true;
    const now = this.options.now();
    const state = this.state(source, now);
    if (state.blockedUntil > now) return false;
    const { requestsPerSecond, burst } = this.options;
    state.tokens = Math.min(burst, state.tokens + ((now - state.refilledAt) / 1000) * requestsPerSecond);
    state.refilledAt = now;
    if (state.tokens < 1) {
      this.block(source, state, 'request-flood', now);
      return false;
    }
    state.tokens -= 1;
    return true;
  }

  /** A request from `source` failed digest authentication (a wrong answer, not a first challenge). */
  authFailed(source: string): void {
    this.count(source, 'authFailures', this.options.maxAuthFailures, 'auth-failures');
  }

  /** A request from `source` named a user or number that does not exist. */
  unknownUser(source: string): void {
    this.count(source, 'unknownUsers', this.options.maxUnknownUsers, 'unknown-users');
  }

  isBlocked(source: string): boolean {
    const state = this.#sources.get(source);
    return state !== undefined && state.blockedUntil > this.options.now();
  }

  private count(source: string, key: 'authFailures' | 'unknownUsers', limit: number, reason: SecurityReason): void {
    if (this.options.trusted?.(source) === true) return;
    const now = this.options.now();
    const state = this.state(source, now);
    const recent = state[key].filter((at) => at > now - this.options.windowMs);
    recent.push(now);
    state[key] = recent.slice(-limit - 1);
    if (recent.length > limit && state.blockedUntil <= now) this.block(source, state, reason, now);
  }

  private block(source: string, state: SourceState, reason: SecurityReason, now: number): void {
    state.blockedUntil = now + this.options.coolingMs;
    state.authFailures = [];
    state.unknownUsers = [];
    state.tokens = this.options.burst;
    this.options.onBlock({ source, reason, until: state.blockedUntil });
  }

  private state(source: string, now: number): SourceState {
    let state = this.#sources.get(source);
    if (state === undefined) {
      state = { tokens: this.options.burst, refilledAt: now, authFailures: [], unknownUsers: [], blockedUntil: 0 };
    } else {
      this.#sources.delete(source);
    }
    this.#sources.set(source, state);
    if (this.#sources.size > this.options.maxSources) {
      const oldest = this.#sources.keys().next().value;
      if (oldest !== undefined) this.#sources.delete(oldest);
    }
    return state;
  }
}
