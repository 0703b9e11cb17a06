/**
 * Outside numbers through SIP trunks (FEATURES A2's outbound legs): the first enabled trunk
 * whose rules take the number (the tenant's own before the shared ones), the number as that
 * trunk dials it (digits stripped and added), and the caller ID its rule shows, in From and in
 * P-Asserted-Identity (RFC 3325 §9.1). A trunk's limit of calls at once is counted here, per node.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DialTarget } from '../calls/index.js';
import type { TrunkRoute, TrunkRow } from '../store/index.js';

/** Who a call placed through a trunk is from. */
export interface Presentation {
  /** The tenant's number the call came in on, or the one an originated call is placed from. */
  tenantNumber: string;
  /** The original caller's number, when known. */
  caller: string | undefined;
}

/** What can be dialled out: digits, * and #, optionally after a +. */
const dialString = /^\+?[0-9*#]{1,32}$/;

/** The number as the trunk sends it, when one of its rules takes `number`; the first rule that does wins. */
export function trunkNumber(routes: readonly TrunkRoute[], number: string): string | undefined {
  if (!dialString.test(number)) return undefined;
  for (const route of routes) {
    if (!number.startsWith(route.prefix)) continue;
    if (route.minLength !== undefined && number.length < route.minLength) continue;
    if (route.maxLength !== undefined && number.length > route.maxLength) continue;
    const dialled = route.prepend + number.slice(route.strip);
    if (dialString.test(dialled)) return dialled;
  }
  return undefined;
}

/** The caller ID a call through `trunk` shows: the tenant's number, the caller's (the tenant's when unknown), or a fixed one. */
export function trunkCallerId(trunk: Pick<TrunkRow, 'callerId' | 'callerIdNumber'>, presentation: Presentation): string {
  switch (trunk.callerId) {
    case 'tenant':
      return presentation.tenantNumber;
    case 'caller':
      return presentation.caller !== undefined && dialString.test(presentation.caller) ? presentation.caller : presentation.tenantNumber;
    case 'fixed':
      return trunk.callerIdNumber ?? presentation.tenantNumber;
  }
}

const bracketed = (host: string) => (isIP(host) === 6 ? `[${host}]` : host);

/** A host name's A/AAAA record (RFC 3263 §4.2 with the port given), or undefined. */
const lookupHost = (name: string): Promise<string | undefined> =>
  lookup(name).then(
    (found) => found.address,
    () => undefined,
  );

export class OutboundTrunks {
  /** Calls in progress through each trunk (by id), for trunks with a limit. */
  readonly #busy = new Map<string, number>();

  constructor(private readonly resolve: (name: string) => Promise<string | undefined> = lookupHost) {}

  /**
   * Where `number` goes out: through the first of `trunks` (in the order tried) that takes it, is
   * not full, and whose host resolves; undefined when none does.
   */
  async target(trunks: readonly TrunkRow[], number: string, presentation: Presentation): Promise<DialTarget | undefined> {
    for (const trunk of trunks) {
      const dialled = trunkNumber(trunk.routes, number);
      if (dialled === undefined || this.full(trunk)) continue;
      const bare = trunk.host.replace(/^\[|\]$/g, '');
      const address = isIP(bare) !== 0 ? bare : await this.resolve(bare);
      if (address !== undefined) return this.dialTarget(trunk, dialled, address, presentation);
    }
    return undefined;
  }

  private dialTarget(trunk: TrunkRow, dialled: string, address: string, presentation: Presentation): DialTarget {
    const callerId = trunkCallerId(trunk, presentation);
    const domain = trunk.fromDomain ?? bracketed(trunk.host);
    const transport = trunk.transport === 'tcp' ? ';transport=tcp' : '';
    return {
      uri: `sip:${dialled}@${bracketed(trunk.host)}:${trunk.port}${transport}`,
      source: `${trunk.transport}:${bracketed(address)}:${trunk.port}`,
      callerId,
      // The carrier may want its account in From; the caller ID is then in P-Asserted-Identity only.
      from: `<sip:${trunk.fromUser ?? callerId}@${domain}>`,
      headers: [['P-Asserted-Identity', `<sip:${callerId}@${domain}>`]],
      ...(trunk.username === null || trunk.password === null
        ? {}
        : { credentials: { username: trunk.username, password: trunk.password, ...(trunk.realm === null ? {} : { realm: trunk.realm }) } }),
      ...(trunk.maxCalls === null ? {} : { seize: () => this.seize(trunk) }),
    };
  }

  private full(trunk: TrunkRow): boolean {
    return trunk.maxCalls !== null && (this.#busy.get(trunk.id) ?? 0) >= trunk.maxCalls;
  }

  private seize(trunk: TrunkRow): (() => void) | undefined {
    if (this.full(trunk)) return undefined;
    this.#busy.set(trunk.id, (this.#busy.get(trunk.id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#busy.get(trunk.id) ?? 1) - 1;
      if (left === 0) this.#busy.delete(trunk.id);
      else this.#busy.set(trunk.id, left);
    };
  }
}
