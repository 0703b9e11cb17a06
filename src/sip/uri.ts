/**
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966, RFC 5118 for IPv6 references), and any other
 * absolute URI kept opaque. Components are kept as written (escapes included) so that a URI
 * serializes back to its own bytes; `unescape` gives the octets and `uriEquals` compares.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { SipParseError } from '../errors.js';
import { firstInvalid, isAlphanum, isDigit, isHostChar, isToken } from './chars.js';
import { Fault, outcome, type ParseOutcome } from './fault.js';

/** A `;name=value` parameter; `value` is undefined for a bare `;name`. Both as written. */
export interface UriParam {
  name: string;
  value: string | undefined;
}

export type HostKind = 'ipv4' | 'ipv6' | 'domain';

export interface SipUri {
  scheme: 'sip' | 'sips';
  user: string | undefined;
  password: string | undefined;
  /** As written; an IPv6 reference keeps its brackets (RFC 3261 §25.1 IPv6reference). */
  host: string;
  hostKind: HostKind;
  port: number | undefined;
  params: UriParam[];
  headers: UriParam[];
}

/** RFC 3966 §3: `tel:` global (`+` and digits) or local number with parameters. */
export interface TelUri {
  scheme: 'tel';
  number: string;
  params: UriParam[];
}

/** Any other scheme (RFC 3986 absolute URI), kept opaque: a server answers 416 to it. */
export interface AbsoluteUri {
  scheme: string;
  opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

export const isSipUri = (uri: Uri): uri is SipUri => uri.scheme === 'sip' || uri.scheme === 'sips';
export const isTelUri = (uri: Uri): uri is TelUri => uri.scheme === 'tel';

/** Parses a whole URI string; offsets in errors are character offsets into `text`. */
export function parseUri(text: string): ParseOutcome<Uri> {
  return outcome(readUri(text));
}

/** A URI from code or configuration, where a mistake is a bug: throws SipParseError. */
export function uriFrom(text: string): Uri {
  const uri = readUri(text);
  if (uri instanceof Fault) throw new SipParseError(text, uri.offset, uri.reason);
  return uri;
}

/** Same as parseUri, for the message parser: returns the URI or a Fault. */
export function readUri(text: string): Uri | Fault {
  const colon = text.indexOf(':');
  // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  if (colon <= 0) return new Fault(0, 'URI has no scheme');
  for (let i = 0; i < colon; i++) {
    const code = text.charCodeAt(i);
    const ok = i === 0 ? isAlphanum(code) && !isDigit(code) : isAlphanum(code) || code === 43 || code === 45 || code === 46;
    if (!ok) return new Fault(i, 'bad character in URI scheme');
  }
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return readSipUri(scheme, text, colon + 1);
  if (scheme === 'tel') return readTelUri(text, colon + 1);
  const opaque = text.slice(colon + 1);
  for (let i = 0; i < opaque.length; i++) {
    const code = opaque.charCodeAt(i);
    if (code <= 32 || code >= 127 || code === 60 || code === 62 || code === 34) return new Fault(colon + 1 + i, 'bad character in URI');
  }
  if (opaque.length === 0) return new Fault(colon + 1, 'empty URI after the scheme');
  return { scheme, opaque };
}

function readSipUri(scheme: 'sip' | 'sips', text: string, start: number): SipUri | Fault {
  // RFC 3261 §25.1: userinfo is everything before the first "@": neither user nor password, host,
  // parameters nor headers may hold an unescaped "@".
  const at = text.indexOf('@', start);
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = start;
  if (at >= 0) {
    const userinfo = text.slice(start, at);
    const colon = userinfo.indexOf(':');
    user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user.length === 0) return new Fault(start, 'empty user part before "@"');
    const badUser = firstInvalid(user, 'user');
    if (badUser >= 0) return new Fault(start + badUser, 'character not allowed in the user part (RFC 3261 §19.1.2)');
    if (colon >= 0) {
      password = userinfo.slice(colon + 1);
      const badPassword = firstInvalid(password, 'password');
      if (badPassword >= 0) return new Fault(start + colon + 1 + badPassword, 'character not allowed in the password');
    }
    hostStart = at + 1;
  }
  let end = hostStart;
  while (end < text.length && text[end] !== ';' && text[end] !== '?') end++;
  const hostport = readHostPort(text.slice(hostStart, end));
  if (hostport instanceof Fault) return hostport.shift(hostStart);
  const params: UriParam[] = [];
  const headers: UriParam[] = [];
  let pos = end;
  while (pos < text.length && text[pos] === ';') {
    let next = pos + 1;
    while (next < text.length && text[next] !== ';' && text[next] !== '?') next++;
    const param = readUriParam(text, pos + 1, next, 'param');
    if (param instanceof Fault) return param;
    params.push(param);
    pos = next;
  }
  if (pos < text.length) {
    // text[pos] is "?": RFC 3261 §19.1.1 headers = "?" header *( "&" header )
    for (const part of splitAt(text, pos + 1, '&')) {
      const header = readUriParam(text, part[0], part[1], 'header');
      if (header instanceof Fault) return header;
      if (header.value === undefined) return new Fault(part[0], 'URI header without "="');
      headers.push(header);
    }
  }
  return { scheme, user, password, host: hostport.host, hostKind: hostport.kind, port: hostport.port, params, headers };
}

function splitAt(text: string, start: number, separator: string): [number, number][] {
  const parts: [number, number][] = [];
  let from = start;
  for (;;) {
    const next = text.indexOf(separator, from);
    if (next < 0) {
      parts.push([from, text.length]);
      return parts;
    }
    parts.push([from, next]);
    from = next + 1;
  }
}

function readUriParam(text: string, start: number, end: number, part: 'param' | 'header'): UriParam | Fault {
  const eq = text.indexOf('=', start);
  const nameEnd = eq >= 0 && eq < end ? eq : end;
  const name = text.slice(start, nameEnd);
  if (name.length === 0) return new Fault(start, `empty URI ${part} name`);
  const badName = firstInvalid(name, part);
  if (badName >= 0) return new Fault(start + badName, `character not allowed in a URI ${part} name`);
  if (nameEnd === end) return { name, value: undefined };
  const value = text.slice(nameEnd + 1, end);
  const badValue = firstInvalid(value, part);
  if (badValue >= 0) return new Fault(nameEnd + 1 + badValue, `character not allowed in a URI ${part} value`);
  return { name, value };
}

export interface HostPort {
  host: string;
  kind: HostKind;
  port: number | undefined;
}

/**
 * RFC 3261 §25.1 hostport = host [ ":" port ]; host = hostname / IPv4address / IPv6reference.
 * RFC 5118 §4.3/§4.4: inside brackets every colon belongs to the address; only `]:port` is a port.
 */
export function readHostPort(text: string): HostPort | Fault {
  let host: string;
  let kind: HostKind;
  let rest: number;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return new Fault(0, 'IPv6 reference without "]"');
    host = text.slice(0, close + 1);
    if (!isIPv6Address(host.slice(1, -1))) return new Fault(1, 'not an IPv6 address');
    kind = 'ipv6';
    rest = close + 1;
  } else {
    const colon = text.indexOf(':');
    // RFC 5118 §4.2: an IPv6 address outside "[]" cannot be told from a host and a port.
    if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) return new Fault(0, 'an IPv6 address must be enclosed in "[]" (RFC 5118 §4.2)');
    rest = colon < 0 ? text.length : colon;
    host = text.slice(0, rest);
    if (host.length === 0) return new Fault(0, 'empty host');
    for (let i = 0; i < host.length; i++) {
      if (!isHostChar(host.charCodeAt(i))) return new Fault(i, 'character not allowed in a host name');
    }
    if (host.startsWith('.') || host.startsWith('-') || host.includes('..')) return new Fault(0, 'malformed host name');
    kind = /^[0-9.]+$/.test(host) ? 'ipv4' : 'domain';
    if (kind === 'ipv4' && !isIPv4(host)) return new Fault(0, 'malformed IPv4 address');
  }
  if (rest === text.length) return { host, kind, port: undefined };
  if (text[rest] !== ':') return new Fault(rest, 'expected ":" and a port after the host');
  const digits = text.slice(rest + 1);
  // RFC 3261 §25.1: port = 1*DIGIT; a TCP/UDP port is at most 65535.
  if (digits.length === 0 || digits.length > 5 || !/^[0-9]+$/.test(digits)) return new Fault(rest + 1, 'port is not a number');
  const port = Number(digits);
  if (port > 65535) return new Fault(rest + 1, 'port is above 65535');
  return { host, kind, port };
}

/**
 * RFC 5118 §4.10: `2001:db8:::192.0.2.1` (three colons, from a bug in RFC 3261's ABNF) must be
 * tolerated as well as the correct `2001:db8::192.0.2.1`.
 */
export function isIPv6Address(text: string): boolean {
  return isIPv6(text) || (text.includes(':::') && isIPv6(text.replace(':::', '::')));
}

function readTelUri(text: string, start: number): TelUri | Fault {
  let end = text.indexOf(';', start);
  if (end < 0) end = text.length;
  const number = text.slice(start, end);
  // RFC 3966 §3: global-number-digits = "+" *phonedigit DIGIT *phonedigit;
  // local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex (needs phone-context)
  if (!/^(\+[0-9().-]*[0-9][0-9().-]*|[0-9A-Fa-f*#().-]*[0-9A-Fa-f*#][0-9A-Fa-f*#().-]*)$/.test(number)) {
    return new Fault(start, 'not a telephone number (RFC 3966 §3)');
  }
  const params: UriParam[] = [];
  let pos = end;
  while (pos < text.length) {
    let next = text.indexOf(';', pos + 1);
    if (next < 0) next = text.length;
    const param = readUriParam(text, pos + 1, next, 'param');
    if (param instanceof Fault) return param;
    if (!isToken(param.name)) return new Fault(pos + 1, 'tel parameter name is not a token');
    params.push(param);
    pos = next;
  }
  if (!number.startsWith('+') && !params.some((p) => p.name.toLowerCase() === 'phone-context')) {
    return new Fault(start, 'a local tel number needs phone-context (RFC 3966 §5.1.5)');
  }
  return { scheme: 'tel', number, params };
}

function serializeParams(params: UriParam[], lead: string, separator: string): string {
  let out = '';
  params.forEach((param, i) => {
    out += (i === 0 ? lead : separator) + param.name + (param.value === undefined ? '' : `=${param.value}`);
  });
  return out;
}

export function serializeUri(uri: Uri): string {
  if (isSipUri(uri)) {
    let out = `${uri.scheme}:`;
    if (uri.user !== undefined) out += `${uri.user}${uri.password === undefined ? '' : `:${uri.password}`}@`;
    out += uri.host;
    if (uri.port !== undefined) out += `:${uri.port}`;
    out += serializeParams(uri.params, ';', ';');
    out += serializeParams(uri.headers, '?', '&');
    return out;
  }
  if (isTelUri(uri)) return `tel:${uri.number}${serializeParams(uri.params, ';', ';')}`;
  const opaque = uri as AbsoluteUri;
  return `${opaque.scheme}:${opaque.opaque}`;
}

/** Value of URI parameter `name` (case-insensitive), '' for a bare one, undefined when absent. */
export function uriParam(uri: SipUri | TelUri, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const param of uri.params) if (param.name.toLowerCase() === lower) return param.value ?? '';
  return undefined;
}
