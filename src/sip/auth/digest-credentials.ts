/**
 * The Authorization / Proxy-Authorization header of SIP digest authentication, read from its
 * value (RFC 3261 §25.1: `Digest` followed by comma-separated auth-params, each a token or a
 * quoted-string). Untrusted bytes: every failure is a reason, never an exception.
 */

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

const token = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Splits `a=b, c="d, e"` into pairs, honouring quoted strings and their `\` escapes (RFC 3261 §25.1). */
function authParams(text: string): Map<string, string> | string {
  const params = new Map<string, string>();
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /[ \t\r\n]/.test(text[i] as string)) i++;
  };
  while (i < text.length) {
    skipSpace();
    const nameStart = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ',' && !/[ \t]/.test(text[i] as string)) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (!token.test(name)) return `bad parameter name at ${nameStart}`;
    skipSpace();
    if (text[i] !== '=') return `parameter ${name} has no value`;
    i++;
    skipSpace();
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i] as string;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          closed = true;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return `unterminated quoted value of ${name}`;
    } else {
      const valueStart = i;
      while (i < text.length && text[i] !== ',' && !/[ \t]/.test(text[i] as string)) i++;
      value = text.slice(valueStart, i);
      if (!token.test(value)) return `bad value of ${name}`;
    }
    if (params.has(name)) return `parameter ${name} appears twice`;
    params.set(name, value);
    skipSpace();
    if (i < text.length) {
      if (text[i] !== ',') return `expected a comma at ${i}`;
      i++;
    }
  }
  return params;
}

export function parseDigestCredentials(value: string): CredentialsResult {
  const match = /^\s*Digest\s+/i.exec(value);
  if (match === null) return { ok: false, reason: 'not Digest credentials' };
  const params = authParams(value.slice(match[0].length));
  if (typeof params === 'string') return { ok: false, reason: params };
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
