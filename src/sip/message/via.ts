/**
 * Via (RFC 3261 §20.42, §18.2.1, RFC 3581 rport, RFC 5118 §4.5 IPv6 `received`):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 */
import { Fault } from '../fault.js';
import { readHostPort, type HostKind, type UriParam } from '../uri.js';
import { Cursor, paramValue, serializeParams } from './cursor.js';

export interface Via {
  protocol: string;
  version: string;
  /** Upper-cased: UDP, TCP, TLS, SCTP, WS, WSS, or an extension. */
  transport: string;
  host: string;
  hostKind: HostKind;
  port: number | undefined;
  params: UriParam[];
}

/** RFC 3261 §8.1.1.7: the magic cookie that marks an RFC 3261 branch. */
export const BRANCH_COOKIE = 'z9hG4bK';

function readVia(cur: Cursor): Via | Fault {
  cur.skipLws();
  const protocol = cur.token('a protocol name');
  if (protocol instanceof Fault) return protocol;
  if (!cur.accept('/')) return cur.fault('expected "/" after the protocol name');
  cur.skipLws();
  const version = cur.token('a protocol version');
  if (version instanceof Fault) return version;
  if (!cur.accept('/')) return cur.fault('expected "/" after the protocol version');
  cur.skipLws();
  const transport = cur.token('a transport');
  if (transport instanceof Fault) return transport;
  cur.skipLws();
  const start = cur.pos;
  while (!cur.atEnd && cur.text[cur.pos] !== ';' && cur.text[cur.pos] !== ',' && cur.text[cur.pos] !== ' ' && cur.text[cur.pos] !== '\t') cur.pos++;
  if (cur.pos === start) return cur.fault('expected sent-by (host and port)');
  const sentBy = readHostPort(cur.text.slice(start, cur.pos));
  if (sentBy instanceof Fault) return sentBy.shift(cur.base + start);
  const params = cur.params();
  if (params instanceof Fault) return params;
  // RFC 3261 §20.42 via-ttl = 0-255, via-received = IPv4 / IPv6; RFC 3581 §3: rport has no value in a request.
  const ttl = paramValue(params, 'ttl');
  if (ttl !== undefined && !(/^[0-9]{1,3}$/.test(ttl) && Number(ttl) <= 255)) return cur.fault('Via ttl is not 0-255');
  const rport = paramValue(params, 'rport');
  if (rport !== undefined && rport !== '' && !(/^[0-9]{1,5}$/.test(rport) && Number(rport) <= 65535)) return cur.fault('Via rport is not a port');
  if (paramValue(params, 'branch') === '') return cur.fault('Via branch has no value');
  return { protocol, version, transport: transport.toUpperCase(), host: sentBy.host, hostKind: sentBy.kind, port: sentBy.port, params };
}

/** Every via-parm of one Via header value, in order. */
export function parseViaList(value: string, base = 0): Via[] | Fault {
  const cur = new Cursor(value, base);
  const list: Via[] = [];
  for (;;) {
    const via = readVia(cur);
    if (via instanceof Fault) return via;
    list.push(via);
    cur.skipLws();
    if (cur.atEnd) return list;
    if (cur.text[cur.pos] !== ',') return cur.fault('expected "," between Via values');
    cur.pos++;
  }
}

export function serializeVia(via: Via): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `${via.protocol}/${via.version}/${via.transport} ${via.host}${port}${serializeParams(via.params)}`;
}

export const viaBranch = (via: Via): string | undefined => paramValue(via.params, 'branch');
