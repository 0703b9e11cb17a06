/**
 * Who the caller meant to reach. A call straight to Kefu carries the number in its Request-URI; a
 * call a business forwarded to Kefu carries Kefu's access number there and the business's own
 * number in Diversion (RFC 5806) or History-Info (RFC 7044). The original number decides whose
 * call it is (FEATURES A2).
 */
import { isSipUri, isTelUri, parseNameAddr, type SipRequest, type Uri } from '../sip/index.js';

export interface CalledParty {
  /** The number or extension of the Request-URI, as digits (a leading + kept). */
  dialled: string | undefined;
  /** The number first called before any forwarding, when the request says. */
  original: string | undefined;
  /** Where `original` came from. */
  source: 'diversion' | 'history-info' | undefined;
  /** The calling number (From), as digits; undefined for anonymous or non-numeric callers. */
  caller: string | undefined;
}

/**
 * The digits of a SIP user part or tel number: visual separators dropped (RFC 3966 §5.1.1),
 * user parameters after `;` dropped; undefined if what is left is not a phone number.
 */
export function numberOf(uri: Uri): string | undefined {
  const written = isSipUri(uri) ? uri.user : isTelUri(uri) ? uri.number : undefined;
  if (written === undefined) return undefined;
  let user = written.split(';')[0]!;
  try {
    user = decodeURIComponent(user);
  } catch {
    return undefined;
  }
  const digits = user.replace(/[-.() ]/g, '');
  return /^\+?[0-9*#]{1,32}$/.test(digits) ? digits : undefined;
}

export function calledParty(request: SipRequest): CalledParty {
  const fromUri = request.from?.uri;
  const caller = fromUri === undefined ? undefined : numberOf(fromUri);
  const dialled = numberOf(request.uri);
  const diverted = diversionOriginal(request);
  if (diverted !== undefined) return { dialled, original: diverted, source: 'diversion', caller };
  const history = historyOriginal(request);
  if (history !== undefined) return { dialled, original: history, source: 'history-info', caller };
  return { dialled, original: undefined, source: undefined, caller };
}

/**
 * RFC 5806 §4: each diverting proxy adds its Diversion value above the earlier ones, so the
 * last value names the number the caller first dialled. An entry that cannot be parsed is
 * skipped: a broken header must not lose the call.
 */
function diversionOriginal(request: SipRequest): string | undefined {
  const entries = request.headers.list('diversion');
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = parseNameAddr(entries[i]!);
    if ('uri' in entry) {
      const number = numberOf(entry.uri);
      if (number !== undefined) return number;
    }
  }
  return undefined;
}

/**
 * RFC 7044 §10.3: hi-entries carry an `index` (`1`, `1.1`, `1.1.1` …) that orders them along
 * the retargeting; the entry with the lowest index holds the Request-URI the call began with.
 * Entries without an index (RFC 4244 §4.3.3.1 says it is mandatory) sort after those with one.
 */
function historyOriginal(request: SipRequest): string | undefined {
  const entries: { index: number[]; number: string }[] = [];
  for (const value of request.headers.list('history-info')) {
    const entry = parseNameAddr(value);
    if (!('uri' in entry)) continue;
    const number = numberOf(entry.uri);
    if (number === undefined) continue;
    const index = entry.params.find((p) => p.name.toLowerCase() === 'index')?.value;
    const parts = index === undefined ? [Number.MAX_SAFE_INTEGER] : index.split('.').map((n) => Number(n));
    entries.push({ index: parts.every(Number.isFinite) ? parts : [Number.MAX_SAFE_INTEGER], number });
  }
  entries.sort((a, b) => compareIndex(a.index, b.index));
  return entries[0]?.number;
}

function compareIndex(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
