import { RateLimitedError } from '../errors.js';

export interface LoginThrottleOptions {
  /** Failed logins allowed from one address within the window. */
  maxFailures: number;
  windowMs: number;
  /** Addresses tracked at most; beyond it the oldest are forgotten, so a flood cannot exhaust memory. */
  maxAddresses: number;
  now: () => number;
}

/**
 * Refuses logins from an address that failed `maxFailures` times within the window, until the
 * oldest of those failures leaves it. A success does not wipe the record: otherwise one valid
 * account would let an attacker guess the others' passwords without limit.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly options: LoginThrottleOptions) {}

  /** Throws RateLimitedError while `address` is blocked. */
  check(address: string): void {
    const recent = this.recent(address);
    if (recent.length < this.options.maxFailures) return;
    const oldest = recent[recent.length - this.options.maxFailures] as number;
    const waitMs = oldest + this.options.windowMs - this.options.now();
    throw new RateLimitedError(
      `too many failed logins from ${address}; try again in ${Math.ceil(waitMs / 1000)} s`,
      Math.max(1, Math.ceil(waitMs / 1000)),
    );
  }

  fail(address: string): void {
    const recent = this.recent(address);
    recent.push(this.options.now());
    this.#failures.delete(address);
    this.#failures.set(address, recent.slice(-this.options.maxFailures));
    if (this.#failures.size > this.options.maxAddresses) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  private recent(address: string): number[] {
    const since = this.options.now() - this.options.windowMs;
    return (this.#failures.get(address) ?? []).filter((at) => at > since);
  }
}
