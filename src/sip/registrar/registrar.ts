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

/** Where bindings live: the database in Kefu, so a restart keeps phones reachable. */
export interface LocationService {
  bindings(aor: string, now: number): Promise<Binding[]>;
  save(aor: string, binding: Binding): Promise<void>;
  remove(aor: string, contact: string): Promise<void>;
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
    const existing = await this.location.bindings(request.aor, now);

    if (request.contacts === '*') {
      // §10.3 step 6: the wildcard only with Expires: 0 and no other Contact.
      if (request.expires !== 0) return { status: 400, reason: 'Contact: * needs Expires: 0' };
      for (const binding of existing) {
        if (binding.callId === request.callId && request.cseq <= binding.cseq) return outOfOrder();
      }
      for (const binding of existing) await this.location.remove(request.aor, binding.contact);
      return { status: 200, contacts: [] };
    }

    const changes: { spec: ContactSpec; seconds: number }[] = [];
    for (const spec of request.contacts) {
      // §10.3 step 7: the Contact's expires, else the Expires header, else the registrar's default.
      const asked = spec.expires ?? request.expires ?? this.options.defaultExpires;
      if (!Number.isInteger(asked) || asked < 0) return { status: 400, reason: `bad expires for ${spec.uri}` };
      if (asked > 0 && asked < this.options.minExpires) return { status: 423, minExpires: this.options.minExpires };
      if (spec.q !== undefined && !(spec.q >= 0 && spec.q <= 1)) return { status: 400, reason: `q must be from 0 to 1 for ${spec.uri}` };
      const current = existing.find((b) => b.contact === spec.uri);
      if (current !== undefined && current.callId === request.callId && request.cseq <= current.cseq) return outOfOrder();
      changes.push({ spec, seconds: Math.min(asked, this.options.maxExpires) });
    }

    for (const { spec, seconds } of changes) {
      if (seconds === 0) {
        await this.location.remove(request.aor, spec.uri);
        continue;
      }
      await this.location.save(request.aor, {
        contact: spec.uri,
        expiresAt: now + seconds * 1000,
        q: spec.q ?? null,
        callId: request.callId,
        cseq: request.cseq,
        source: request.source,
        userAgent: request.userAgent ?? null,
      });
    }

    // §10.3 step 8: the 200 lists every current binding with the seconds it has left.
    const bindings = await this.location.bindings(request.aor, now);
    return {
      status: 200,
      contacts: bindings.map((b) => ({ uri: b.contact, expires: Math.max(0, Math.round((b.expiresAt - now) / 1000)), q: b.q })),
    };
  }
}

function outOfOrder(): RegisterOutcome {
  return { status: 500, reason: 'REGISTER out of order: CSeq not above the binding’s' };
}
