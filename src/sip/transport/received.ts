import { Fault } from '../fault.js';
import type { SipRequest } from '../message/message.js';
import { parseViaList, serializeVia, type Via } from '../message/via.js';
import type { Peer } from './peer.js';

/**
 * RFC 3261 §18.2.1: when the top Via's sent-by is not the address the request came from, the
 * transport adds `received` with that address. RFC 3581 §4: when the top Via carries an empty
 * `rport`, it is filled with the source port (and `received` added even if the address matches).
 * Then responses find their way back through NAT.
 */
export function stampReceived(request: SipRequest, peer: Peer): void {
  const index = request.headers.fields.findIndex((field) => field.key === 'via');
  const field = request.headers.fields[index];
  if (field === undefined) return;
  const list = parseViaList(field.value);
  if (list instanceof Fault || list[0] === undefined) return;
  const top: Via = list[0];
  const rport = top.params.find((p) => p.name.toLowerCase() === 'rport');
  const differs = top.host.replace(/^\[|\]$/g, '') !== peer.address;
  if (!differs && rport === undefined) return;
  const params = top.params.filter((p) => p.name.toLowerCase() !== 'received' && p.name.toLowerCase() !== 'rport');
  params.push({ name: 'received', value: peer.address });
  if (rport !== undefined) params.push({ name: 'rport', value: String(peer.port) });
  const stamped = [serializeVia({ ...top, params }), ...list.slice(1).map(serializeVia)].join(', ');
  request.headers.replaceAt(index, stamped);
}

/**
 * Where a response to a request goes (RFC 3261 §18.2.2 with RFC 3581 §4): back on the request's
 * connection when it came on one (TCP, TLS, and always for WebSocket, RFC 7118 §5); over UDP to
 * `received` (the source address) and to `rport` when present, else to the sent-by port (5060 by
 * default).
 */
export function responseDestination(request: SipRequest, peer: Peer): Peer {
  if (peer.transport !== 'UDP') return peer;
  const top = request.via[0];
  if (top === undefined) return peer;
  const rport = top.params.find((p) => p.name.toLowerCase() === 'rport')?.value;
  const port = rport !== undefined && rport !== '' ? Number(rport) : (top.port ?? 5060);
  return { transport: 'UDP', address: peer.address, port };
}
