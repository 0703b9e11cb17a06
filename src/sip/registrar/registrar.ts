/**
 * REGISTER processing (RFC 3261 §10.3, steps 6 to 8) over a location service that keeps the
 * bindings. What it is given has already been parsed and authenticated (steps 1 to 5); it
 * decides, atomically for the whole request, which bindings to add, refresh or remove, and what
 * the 200 lists.
 */

export interface Binding {
  contact: string;
  expiresAt: number;
  q: number | null;
  callId: string;
  cseq: number;
  /** transport:address:port the REGISTER came from (for phones behind NAT). */
  source: string;
  userAgent: string | null;
}

/** What one REGISTER changes: bindings added or refreshed, and contacts removed. */
export interface BindingChanges {
  save: Binding[];
  remove: string[];
}

/**
 * Where bindings live: the database in Kefu, so a restart keeps phones reachable. Changes to one
 * address-of-record take turns, so that a REGISTER's check and its writes are one step even when
 * two arrive together.
 */
export interface LocationService {
  /** The bindings of `aor` live at `now`, best q first. */
  bindings(aor: string, now: number): Promise<Binding[]>;
  /**
   * Adds or refreshes one binding and returns the live bindings after, in one step. Unless the
   * live binding of the same contact has the binding's Call-ID and a CSeq at or above its own
   * (see `outOfOrder`): then nothing changes and the answer is 'out-of-order'.
   */
  saveAndList(aor: string, binding: Binding, now: number): Promise<Binding[] | 'out-of-order'>;
  /**
   * Reads the live bindings, lets `decide` say what to change (or refuse), writes it and returns
   * the live bindings after, as one transaction: no other change to `aor` lands in between.
   */
  change(aor: string, now: number, decide: (live: Binding[]) => BindingChanges | 'out-of-order'): Promise<Binding[] | 'out-of-order'>;
}

/**
 * RFC 3261 §10.3 step 7: a request from the Call-ID of a stored binding must have a higher CSeq
 * than the binding's, or it is out of order (older, or repeated) and must not change it.
 */
export function outOfOrder(stored: Binding, callId: string, cseq: number): boolean {
  return stored.callId === callId && cseq <= stored.cseq;
}

export interface ContactSpec {
  uri: string;
  /** The Contact's expires parameter. */
  expires?: number;
  q?: number;
}

export interface RegisterRequest {
  /** The address-of-record, canonical (RFC 3261 §10.3 step 5). */
  aor: string;
  /** The Contact values, `'*'` for the wildcard, or an empty list for a query. */
  contacts: ContactSpec[] | '*';
  /** The Expires header, when present. */
  expires?: number;
  callId: string;
  cseq: number;
  source: string;
  userAgent?: string;
}

export type RegisterOutcome =
  | { status: 200; contacts: { uri: string; expires: number; q: number | null }[] }
  | { status: 400; reason: string }
  /** RFC 3261 §10.3 step 7: too brief; the answer carries Min-Expires. */
  | { status: 423; minExpires: number }
  /** RFC 3261 §10.3 step 7: an older (or repeated) request for a binding must fail. */
  | { status: 500; reason: string };

export interface RegistrarOptions {
  defaultExpires: number;
  minExpires: number;
  maxExpires: number;
  now: () => number;
}

export class Registrar {
  constructor(
    private readonly location: LocationService,
    private readonly options: RegistrarOptions,
  ) {}

  async register(request: RegisterRequest): Promise<RegisterOutcome> {
    const now = this.options.now();

    if (request.contacts === '*') {
      // §10.3 step 6: the wildcard only with Expires: 0 and no other Contact.
      if (request.expires !== 0) return { status: 400, reason: 'Contact: * needs Expires: 0' };
      const after = await this.location.change(request.aor, now, (live) =>
        live.some((b) => outOfOrder(b, request.callId, request.cseq)) ? 'out-of-order' : { save: [], remove: live.map((b) => b.contact) },
      );
      return this.listed(after, now);
    }
    // §10.3 step 8: no Contact is a query for the current bindings.
    if (request.contacts.length === 0) return this.listed(await this.location.bindings(request.aor, now), now);

    const changes: { binding: Binding; seconds: number }[] = [];
    for (const spec of request.contacts) {
      // §10.3 step 7: the Contact's expires, else the Expires header, else the registrar's default.
      const asked = spec.expires ?? request.expires ?? this.options.defaultExpires;
      if (!Number.isInteger(asked) || asked < 0) return { status: 400, reason: `bad expires for ${spec.uri}` };
      if (asked > 0 && asked < this.options.minExpires) return { status: 423, minExpires: this.options.minExpires };
      if (spec.q !== undefined && !(spec.q >= 0 && spec.q <= 1)) return { status: 400, reason: `q must be from 0 to 1 for ${spec.uri}` };
      const seconds = Math.min(asked, this.options.maxExpires);
      changes.push({
        seconds,
        binding: {
          contact: spec.uri,
          expiresAt: now + seconds * 1000,
          q: spec.q ?? null,
          callId: request.callId,
          cseq: request.cseq,
          source: request.source,
          userAgent: request.userAgent ?? null,
        },
      });
    }

    // What a phone sends nearly every time, one Contact to bind or refresh, is one step.
    const only = changes.length === 1 ? changes[0] : undefined;
    if (only !== undefined && only.seconds > 0) return this.listed(await this.location.saveAndList(request.aor, only.binding, now), now);

    const after = await this.location.change(request.aor, now, (live) => {
      // §10.3 step 7: one Contact out of order fails the whole request, changing nothing.
      const refused = changes.some(({ binding }) => live.some((b) => b.contact === binding.contact && outOfOrder(b, request.callId, request.cseq)));
      if (refused) return 'out-of-order';
      return { save: changes.filter((c) => c.seconds > 0).map((c) => c.binding), remove: changes.filter((c) => c.seconds === 0).map((c) => c.binding.contact) };
    });
    return this.listed(after, now);
  }

  /** §10.3 step 8: the 200 lists every current binding with the seconds it has left. */
  private listed(bindings: Binding[] | 'out-of-order', now: number): RegisterOutcome {
    if (bindings === 'out-of-order') return { status: 500, reason: 'REGISTER out of order: CSeq not above the binding’s' };
    return {
      status: 200,
      contacts: bindings.map((b) => ({ uri: b.contact, expires: Math.max(0, Math.round((b.expiresAt - now) / 1000)), q: b.q })),
    };
  }
}
