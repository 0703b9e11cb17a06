import { createHash } from 'node:crypto';

/**
 * HA1 of SIP digest authentication: H(username ":" realm ":" password), RFC 2617 §3.2.2.2, as
 * RFC 3261 §22.4 uses it, for MD5 and for SHA-256 (RFC 8760 §2). Storing HA1 instead of the
 * password lets the registrar check responses while the password itself is never kept.
 */
export function sipHa1(username: string, realm: string, password: string): { md5: string; sha256: string } {
  const input = `${username}:${realm}:${password}`;
  return {
    md5: createHash('md5').update(input).digest('hex'),
    sha256: createHash('sha256').update(input).digest('hex'),
  };
}
