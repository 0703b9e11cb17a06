/**
 * The Authorization / Proxy-Authorization header of SIP digest authentication: the grammar is
 * parseCredentials' (RFC 3261 §25.1), this adds what Digest requires of it (RFC 2617 §3.2.2).
 * Untrusted bytes: every failure is a reason, never an exception.
 */
import { Fault } from '../fault.js';
import { parseCredentials } from '../message/credentials.js';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  /** RFC 3261 §22.4 / RFC 8760 §2.3: MD5 when absent. */
  algorithm: string;
  cnonce?: string;
  qop?: string;
  nc?: string;
  opaque?: string;
}

export type CredentialsResult = { ok: true; credentials: DigestCredentials } | { ok: false; reason: string };

export function parseDigestCredentials(value: string): CredentialsResult {
  const parsed = parseCredentials(value);
  if (parsed instanceof Fault) return { ok: false, reason: `${parsed.reason} at ${parsed.offset}` };
  if (parsed.scheme.toLowerCase() !== 'digest' || parsed.token !== undefined) return { ok: false, reason: 'not Digest credentials' };
  const params = parsed.params;
  const required = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
  for (const name of required) {
    if (!params.has(name)) return { ok: false, reason: `missing ${name}` };
  }
  const credentials: DigestCredentials = {
    username: params.get('username') as string,
    realm: params.get('realm') as string,
    nonce: params.get('nonce') as string,
    uri: params.get('uri') as string,
    response: (params.get('response') as string).toLowerCase(),
    algorithm: params.get('algorithm') ?? 'MD5',
  };
  for (const name of ['cnonce', 'qop', 'nc', 'opaque'] as const) {
    const v = params.get(name);
    if (v !== undefined) credentials[name] = v;
  }
  // RFC 2617 §3.2.2: with qop, cnonce and nc are required.
  if (credentials.qop !== undefined && (credentials.cnonce === undefined || credentials.nc === undefined)) {
    return { ok: false, reason: 'qop without cnonce or nc' };
  }
  if (credentials.nc !== undefined && !/^[0-9a-fA-F]{8}$/.test(credentials.nc)) return { ok: false, reason: 'nc is not 8 hex digits' };
  return { ok: true, credentials };
}
