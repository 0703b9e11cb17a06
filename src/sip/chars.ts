/**
 * Character classes of the RFC 3261 §25.1 grammar, as one lookup table of bit flags so that the
 * parsers test a character with one array read. Escaping (§19.1.2) and unescaping live here too.
 */

const ALPHANUM = 1;
const TOKEN = 2; // RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
const UNRESERVED = 4; // RFC 3261 §25.1: unreserved = alphanum / mark; mark = - _ . ! ~ * ' ( )
const USER = 8; // RFC 3261 §25.1: user-unreserved = & = + $ , ; ? /
const PASSWORD = 16; // RFC 3261 §25.1: password = *( unreserved / escaped / & = + $ , )
const PARAM = 32; // RFC 3261 §25.1: param-unreserved = [ ] / : & + $
const HEADER = 64; // RFC 3261 §25.1: hnv-unreserved = [ ] / ? : + $
const HOST = 128; // alphanum - . _ (domain labels; `_` tolerated, it is common in the wild)

const table = new Uint8Array(128);
function mark(chars: string, flag: number): void {
  for (const char of chars) table[char.charCodeAt(0)] = (table[char.charCodeAt(0)] ?? 0) | flag;
}
const alphanum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
mark(alphanum, ALPHANUM | TOKEN | UNRESERVED | USER | PASSWORD | PARAM | HEADER | HOST);
mark("-.!%*_+`'~", TOKEN);
mark("-_.!~*'()", UNRESERVED | USER | PASSWORD | PARAM | HEADER);
mark('&=+$,;?/', USER);
mark('&=+$,', PASSWORD);
mark('[]/:&+$', PARAM);
mark('[]/?:+$', HEADER);
mark('-._', HOST);

function has(code: number, flag: number): boolean {
  return code < 128 && ((table[code] ?? 0) & flag) !== 0;
}

export const isAlphanum = (code: number): boolean => has(code, ALPHANUM);
export const isTokenChar = (code: number): boolean => has(code, TOKEN);
export const isHostChar = (code: number): boolean => has(code, HOST);
export const isDigit = (code: number): boolean => code >= 48 && code <= 57;
export const isHex = (code: number): boolean => isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
/** SP or HTAB: what LWS leaves behind once folding is undone. */
export const isWhitespace = (code: number): boolean => code === 32 || code === 9;

export type EscapedPart = 'user' | 'password' | 'param' | 'header';
const partFlag: Record<EscapedPart, number> = { user: USER | UNRESERVED, password: PASSWORD, param: PARAM, header: HEADER };

/**
 * Index of the first character of `text` not allowed in `part` (escapes `%HH` are allowed), or -1.
 * RFC 3261 §19.1.2: characters outside a component's set MUST be escaped.
 */
export function firstInvalid(text: string, part: EscapedPart): number {
  const flag = partFlag[part];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 37) {
      if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) return i;
      i += 2;
    } else if (!has(code, flag)) return i;
  }
  return -1;
}

/** True when every character is a token character and there is at least one. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Undoes `%HH` escapes once (RFC 4475 §3.1.1.3: `value%2541` unescapes to `value%41`, never to
 * `valueA`). The result is a binary string: one character per octet.
 */
export function unescape(text: string): string {
  if (!text.includes('%')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '%' && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      out += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += char;
  }
  return out;
}

/** RFC 3261 §19.1.2: escapes every octet of `text` that `part` does not allow (UTF-8 first). */
export function escape(text: string, part: EscapedPart): string {
  const flag = partFlag[part];
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte !== 37 && has(byte, flag) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
