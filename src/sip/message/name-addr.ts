/**
 * name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route, Reply-To,
 * Refer-To… (RFC 3261 §20.10, §20.20, §20.39, §25.1).
 */
import { isTokenChar, isWhitespace } from '../chars.js';
import { Fault } from '../fault.js';
import { readUri, serializeUri, type Uri, type UriParam } from '../uri.js';
import { Cursor, serializeParams, unquote } from './cursor.js';

export interface NameAddr {
  /** As written: a quoted-string keeps its quotes; tokens keep their spacing. */
  displayName: string | undefined;
  uri: Uri;
  /** Whether the URI was inside `<…>`; an addr-spec cannot carry `;`, `,` or `?` in its URI. */
  bracketed: boolean;
  params: UriParam[];
}

/** Reads one name-addr or addr-spec and its parameters; stops before a "," or the end. */
export function readNameAddr(cur: Cursor): NameAddr | Fault {
  cur.skipLws();
  let displayName: string | undefined;
  if (cur.text[cur.pos] === '"') {
    const quoted = cur.quotedString();
    if (quoted instanceof Fault) return quoted;
    displayName = quoted;
    cur.skipLws();
    if (cur.text[cur.pos] !== '<') return cur.fault('expected "<" after the display name');
  } else {
    // RFC 3261 §25.1: display-name = *(token LWS); look ahead for the "<" that would end it.
    // DEVIATION(RFC 3261 §25.1): non-ASCII text is accepted unquoted too, because phones sold
    // in China send `From: 张三 <sip:…>`; it still may not hold ASCII separators (RFC 4475 §3.1.2.15).
    let ahead = cur.pos;
    for (; ahead < cur.text.length; ahead++) {
      const code = cur.text.charCodeAt(ahead);
      if (!isTokenChar(code) && !isWhitespace(code) && code < 128) break;
    }
    if (cur.text[ahead] === '<') {
      const name = cur.text.slice(cur.pos, ahead).trim();
      displayName = name.length > 0 ? name : undefined;
      cur.pos = ahead;
    }
  }
  let uri: Uri | Fault;
  let bracketed = false;
  if (cur.text[cur.pos] === '<') {
    bracketed = true;
    const close = cur.text.indexOf('>', cur.pos);
    if (close < 0) return cur.fault('"<" without ">"');
    const start = cur.pos + 1;
    uri = readUri(cur.text.slice(start, close));
    if (uri instanceof Fault) return uri.shift(cur.base + start);
    cur.pos = close + 1;
  } else {
    // RFC 3261 §20: without <> the URI ends at the first ";" (header parameters follow), and a
    // URI holding ",", ";" or "?" must be bracketed.
    const start = cur.pos;
    while (cur.pos < cur.text.length) {
      const code = cur.code();
      if (code === 59 || code === 44 || isWhitespace(code)) break;
      if (code === 63) return cur.fault('an addr-spec with "?" must be enclosed in "<>" (RFC 3261 §20)');
      cur.pos++;
    }
    if (cur.pos === start) return cur.fault('expected a URI');
    uri = readUri(cur.text.slice(start, cur.pos));
    if (uri instanceof Fault) return uri.shift(cur.base + start);
  }
  const params = cur.params();
  if (params instanceof Fault) return params;
  return { displayName, uri, bracketed, params };
}

/** One name-addr header value (From, To…), nothing after it. */
export function parseNameAddr(value: string, base = 0): NameAddr | Fault {
  const cur = new Cursor(value, base);
  const nameAddr = readNameAddr(cur);
  if (nameAddr instanceof Fault) return nameAddr;
  cur.skipLws();
  if (!cur.atEnd) return cur.fault(cur.text[cur.pos] === ',' ? 'only one address is allowed here' : 'unexpected character after the address');
  return nameAddr;
}

/** A comma-separated list of name-addrs (Contact, Route, Record-Route); at least one. */
export function parseNameAddrList(value: string, base = 0): NameAddr[] | Fault {
  const cur = new Cursor(value, base);
  const list: NameAddr[] = [];
  for (;;) {
    const nameAddr = readNameAddr(cur);
    if (nameAddr instanceof Fault) return nameAddr;
    list.push(nameAddr);
    cur.skipLws();
    if (cur.atEnd) return list;
    if (cur.text[cur.pos] !== ',') return cur.fault('expected "," between addresses');
    cur.pos++;
  }
}

export function serializeNameAddr(nameAddr: NameAddr): string {
  const uri = serializeUri(nameAddr.uri);
  const name = nameAddr.displayName === undefined ? '' : `${nameAddr.displayName} `;
  const address = nameAddr.bracketed || nameAddr.displayName !== undefined ? `<${uri}>` : uri;
  return `${name}${address}${serializeParams(nameAddr.params)}`;
}

/** The display name as text: quotes and escapes removed, UTF-8 octets decoded. */
export function displayText(nameAddr: NameAddr): string | undefined {
  return nameAddr.displayName === undefined ? undefined : unquote(nameAddr.displayName);
}
