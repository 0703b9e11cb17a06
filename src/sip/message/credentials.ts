/**
 * Authorization, Proxy-Authorization, WWW-Authenticate and Proxy-Authenticate values
 * (RFC 3261 §25.1, RFC 7235 §2.1 for the token68 form): a scheme, then comma-separated
 * `name=value` parameters. Any scheme parses; only the auth layer knows what Digest means
 * (RFC 4475 §3.3.7: an unknown scheme must not crash anything).
 */
import { Fault } from '../fault.js';
import { Cursor, unquote } from './cursor.js';

export interface Credentials {
  /** As written; compare case-insensitively (`Digest`, `digest`). */
  scheme: string;
  /** Parameter names in lower case, values unquoted. */
  params: Map<string, string>;
  /** An opaque blob after the scheme (RFC 7235 token68), when there are no parameters. */
  token: string | undefined;
}

export function parseCredentials(value: string, base = 0): Credentials | Fault {
  const cur = new Cursor(value, base);
  cur.skipLws();
  const scheme = cur.token('an authentication scheme');
  if (scheme instanceof Fault) return scheme;
  const params = new Map<string, string>();
  cur.skipLws();
  if (cur.atEnd) return { scheme, params, token: undefined };
  // RFC 7235 §2.1: token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  const rest = value.slice(cur.pos).trim();
  if (/^[A-Za-z0-9._~+/-]+=*$/.test(rest) && !/^[^=]+=[^=]/.test(rest)) return { scheme, params, token: rest };
  for (;;) {
    cur.skipLws();
    const nameAt = cur.pos;
    const name = cur.token('a parameter name');
    if (name instanceof Fault) return name;
    if (!cur.accept('=')) return cur.fault('expected "=" after an authentication parameter name');
    cur.skipLws();
    const raw = cur.text[cur.pos] === '"' ? cur.quotedString() : cur.word('a parameter value');
    if (raw instanceof Fault) return raw;
    const key = name.toLowerCase();
    // RFC 7235 §2.1: each parameter name occurs at most once.
    if (params.has(key)) return cur.fault(`parameter ${name} appears twice`, nameAt);
    params.set(key, unquote(raw));
    cur.skipLws();
    if (cur.atEnd) return { scheme, params, token: undefined };
    if (!cur.accept(',')) return cur.fault('expected "," between authentication parameters');
  }
}
