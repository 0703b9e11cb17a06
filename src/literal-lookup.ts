/**
 * A `lookup` for UDP sockets whose packets go to IP literals (an SDP c= line, RFC 4566 §5.7; the
 * source a SIP peer registered from or sent from, RFC 3581). dgram's default lookup answers even
 * a literal on the next tick, which defers every send behind whatever runs before it; answered at
 * once, the packet leaves inside `send()`. A name still goes to dns.lookup.
 */
import type { SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';

export const literalLookup: NonNullable<SocketOptions['lookup']> = (address, options, callback) => {
  const family = isIP(address);
  if (family === 0) dnsLookup(address, options, callback);
  else callback(null, address, family);
};
