/**
 * The node's live events, per tenant: every published event gets the tenant's next sequence
 * number and a time, is kept in a bounded buffer (so many events or so much time, whichever is
 * less) and goes to the tenant's subscribers at once. A subscriber that comes back names the last
 * sequence number it saw and gets what it missed, or is told that the buffer no longer reaches
 * back that far and it must re-read the state.
 *
 * One hub per node, made in main.ts. Sequence numbers start again at 1 when the node restarts;
 * `stream` (random per hub) lets a client tell a restart from a resume.
 */
import { randomUUID } from 'node:crypto';
import { defaultAudience, type NewEvent, type StreamEvent } from './event-types.js';

export interface EventHubOptions {
  /** Events kept per tenant for replay (default 10,000). */
  maxEvents?: number;
  /** How long an event is kept for replay, in ms (default 5 minutes). */
  maxAgeMs?: number;
  /** Epoch ms; injected for tests. */
  now?: () => number;
  /** A subscriber threw: it has been dropped, the publisher is unaffected. Default: a process warning. */
  onSubscriberError?: (error: unknown, tenantId: string) => void;
}

export type Subscriber = (event: StreamEvent) => void;

/** What a subscription starts with: the events missed since `since`, or a reset when they are gone. */
export type Resumption =
  | { kind: 'replay'; events: StreamEvent[] }
  /** `since` is older than the buffer (or from another stream): re-read the state, then follow from `seq`. */
  | { kind: 'reset'; seq: number; reason: 'buffer_exceeded' | 'unknown_seq' };

export interface Subscription {
  resumption: Resumption;
  /** The tenant's latest sequence number when the subscription began. */
  seq: number;
  unsubscribe(): void;
}

/** One tenant's recent events, oldest first, and its subscribers. */
class TenantStream {
  readonly subscribers = new Set<Subscriber>();
  lastSeq = 0;
  /** Held events are `#held[#head…]`; the front is cut off now and then, not at every event. */
  #held: { event: StreamEvent; time: number }[] = [];
  #head = 0;

  constructor(private readonly capacity: number) {}

  push(event: StreamEvent, time: number): void {
    this.#held.push({ event, time });
    if (this.#held.length - this.#head > this.capacity) this.#head += 1;
    this.#compact();
  }

  /** Forgets events published before `cutoff` (epoch ms). */
  expire(cutoff: number): void {
    while (this.#head < this.#held.length && (this.#held[this.#head] as { time: number }).time < cutoff) this.#head += 1;
    this.#compact();
  }

  /** The first sequence number still held (lastSeq + 1 when none is). */
  get firstHeld(): number {
    return this.#held[this.#head]?.event.seq ?? this.lastSeq + 1;
  }

  /** The held events after `seq`, in order. */
  after(seq: number): StreamEvent[] {
    const from = this.#head + Math.max(0, seq - this.firstHeld + 1);
    return this.#held.slice(from).map((held) => held.event);
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#held.length) {
      this.#held = this.#held.slice(this.#head);
      this.#head = 0;
    }
  }
}

export class EventHub {
  /** Changes at every start of the node: sequence numbers of another stream mean nothing here. */
  readonly stream = randomUUID();
  readonly #tenants = new Map<string, TenantStream>();
  readonly #maxEvents: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #onSubscriberError: (error: unknown, tenantId: string) => void;

  constructor(options: EventHubOptions = {}) {
    this.#maxEvents = options.maxEvents ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    if (!Number.isInteger(this.#maxEvents) || this.#maxEvents < 1) throw new RangeError('maxEvents must be a positive integer');
    if (!(this.#maxAgeMs > 0)) throw new RangeError('maxAgeMs must be positive');
    this.#now = options.now ?? Date.now;
    this.#onSubscriberError =
      options.onSubscriberError ??
      ((error, tenantId) => process.emitWarning(`event subscriber of tenant ${tenantId} failed and was dropped: ${String(error)}`));
  }

  /** Stamps the event with the tenant's next sequence number and the time, keeps it and delivers it. */
  publish(tenantId: string, event: NewEvent): StreamEvent {
    const tenant = this.#tenant(tenantId);
    const now = this.#now();
    tenant.expire(now - this.#maxAgeMs);
    tenant.lastSeq += 1;
    const stamped = {
      seq: tenant.lastSeq,
      type: event.type,
      at: new Date(now).toISOString(),
      data: event.data,
      audience: event.audience ?? defaultAudience(event),
    } as StreamEvent;
    tenant.push(stamped, now);
    for (const subscriber of [...tenant.subscribers]) {
      try {
        subscriber(stamped);
      } catch (error) {
        tenant.subscribers.delete(subscriber);
        this.#onSubscriberError(error, tenantId);
      }
    }
    return stamped;
  }

  /**
   * Follows a tenant's events from now on. With `since` (the last sequence number the client saw,
   * of this `stream`), the resumption holds the events published after it — or a reset when some
   * of them have left the buffer, or when `since` is not a number this stream has reached.
   */
  subscribe(tenantId: string, subscriber: Subscriber, resume?: { since: number; stream?: string }): Subscription {
    const tenant = this.#tenant(tenantId);
    tenant.expire(this.#now() - this.#maxAgeMs);
    const seq = tenant.lastSeq;
    tenant.subscribers.add(subscriber);
    return {
      resumption: this.#resumption(tenant, resume),
      seq,
      unsubscribe: () => {
        tenant.subscribers.delete(subscriber);
      },
    };
  }

  /** The tenant's latest sequence number (0 before its first event). */
  lastSeq(tenantId: string): number {
    return this.#tenants.get(tenantId)?.lastSeq ?? 0;
  }

  #resumption(tenant: TenantStream, resume: { since: number; stream?: string } | undefined): Resumption {
    if (resume === undefined) return { kind: 'replay', events: [] };
    const { since } = resume;
    const known = (resume.stream === undefined || resume.stream === this.stream) && Number.isInteger(since) && since >= 0 && since <= tenant.lastSeq;
    if (!known) return { kind: 'reset', seq: tenant.lastSeq, reason: 'unknown_seq' };
    if (since + 1 < tenant.firstHeld) return { kind: 'reset', seq: tenant.lastSeq, reason: 'buffer_exceeded' };
    return { kind: 'replay', events: tenant.after(since) };
  }

  #tenant(tenantId: string): TenantStream {
    let tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) {
      tenant = new TenantStream(this.#maxEvents);
      this.#tenants.set(tenantId, tenant);
    }
    return tenant;
  }
}
