/**
 * URI equivalence: RFC 3261 §19.1.4 for SIP and SIPS URIs, RFC 3966 §4 for tel URIs, and a plain
 * case-insensitive scheme plus exact opaque part for anything else.
 */
import { unescape } from './chars.js';
import { isIPv6Address, isSipUri, isTelUri, type SipUri, type TelUri, type Uri, type UriParam } from './uri.js';

// RFC 3261 §19.1.4: a user, ttl, method or maddr (and transport) parameter present in only one
// URI makes them differ; any other parameter is compared only when both URIs carry it.
const STRICT_PARAMS = new Set(['user', 'ttl', 'method', 'maddr', 'transport']);

export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (isSipUri(a) && isSipUri(b)) return sipEquals(a, b);
  if (isTelUri(a) && isTelUri(b)) return telEquals(a, b);
  return 'opaque' in a && 'opaque' in b && a.opaque === b.opaque;
}

function sipEquals(a: SipUri, b: SipUri): boolean {
  // RFC 3261 §19.1.4: userinfo comparison is case-sensitive, after unescaping (%41 equals A).
  if (!sameOptional(a.user, b.user, (x, y) => unescape(x) === unescape(y))) return false;
  if (!sameOptional(a.password, b.password, (x, y) => unescape(x) === unescape(y))) return false;
  // RFC 3261 §19.1.4: the host comparison is case-insensitive; IPv6 addresses compare as addresses.
  if (normalizeHost(a) !== normalizeHost(b)) return false;
  // RFC 3261 §19.1.4: a URI without a port does not equal one with the default port.
  if (a.port !== b.port) return false;
  const paramsA = lowerMap(a.params);
  const paramsB = lowerMap(b.params);
  for (const [name, value] of paramsA) {
    const other = paramsB.get(name);
    if (other === undefined) {
      if (STRICT_PARAMS.has(name)) return false;
    } else if (other !== value) return false;
  }
  for (const name of paramsB.keys()) if (STRICT_PARAMS.has(name) && !paramsA.has(name)) return false;
  // RFC 3261 §19.1.4: URI header components are never ignored; every one must match.
  const headersA = lowerMap(a.headers);
  const headersB = lowerMap(b.headers);
  if (headersA.size !== headersB.size) return false;
  for (const [name, value] of headersA) if (headersB.get(name) !== value) return false;
  return true;
}

function telEquals(a: TelUri, b: TelUri): boolean {
  // RFC 3966 §4: numbers compare without visual separators; parameters compare as sets.
  const digits = (uri: TelUri): string => uri.number.replace(/[().-]/g, '').toLowerCase();
  if (digits(a) !== digits(b)) return false;
  const paramsA = lowerMap(a.params);
  const paramsB = lowerMap(b.params);
  if (paramsA.size !== paramsB.size) return false;
  for (const [name, value] of paramsA) if (paramsB.get(name) !== value) return false;
  return true;
}

function sameOptional(a: string | undefined, b: string | undefined, same: (a: string, b: string) => boolean): boolean {
  if (a === undefined || b === undefined) return a === b;
  return same(a, b);
}

function normalizeHost(uri: SipUri): string {
  if (uri.hostKind !== 'ipv6') return uri.host.toLowerCase();
  return expandIPv6(uri.host.slice(1, -1));
}

/** Eight four-digit groups, so that `2001:DB8::1` and `2001:db8:0::1` compare equal. */
export function expandIPv6(address: string): string {
  if (!isIPv6Address(address)) return address.toLowerCase();
  let text = address.toLowerCase().replace(':::', '::');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [, a, b, c, d] = v4.map(Number) as [number, number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.padStart(4, '0')).join(':');
}

/** Lower-cased names to unescaped, lower-cased values ('' for a bare parameter). */
function lowerMap(params: UriParam[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const param of params) map.set(unescape(param.name).toLowerCase(), unescape(param.value ?? '').toLowerCase());
  return map;
}
