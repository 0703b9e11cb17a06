/**
 * A read position inside one header value, with the RFC 3261 §25.1 building blocks: LWS, token,
 * quoted-string and generic parameters. Offsets in the Faults it returns are relative to the
 * start of the header text, thanks to `base`.
 */
import { isTokenChar, isWhitespace } from '../chars.js';
import { Fault } from '../fault.js';
import type { UriParam } from '../uri.js';

export class Cursor {
  pos = 0;

  constructor(
    readonly text: string,
    readonly base: number,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  code(): number {
    return this.text.charCodeAt(this.pos);
  }

  fault(reason: string, at = this.pos): Fault {
    return new Fault(this.base + at, reason);
  }

  /** RFC 3261 §25.1: LWS; folding has already become a single SP. */
  skipLws(): void {
    while (this.pos < this.text.length && isWhitespace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** Skips LWS, then consumes `char` if it is next. */
  accept(char: string): boolean {
    this.skipLws();
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  token(what: string): string | Fault {
    const start = this.pos;
    while (this.pos < this.text.length && isTokenChar(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) return this.fault(`expected ${what}`);
    return this.text.slice(start, this.pos);
  }

  /** Characters of a token, a host or an IPv6 reference (RFC 3261 §25.1 gen-value, received). */
  word(what: string): string | Fault {
    const start = this.pos;
    for (; this.pos < this.text.length; this.pos++) {
      const code = this.text.charCodeAt(this.pos);
      if (!isTokenChar(code) && code !== 58 && code !== 91 && code !== 93) break;
    }
    if (this.pos === start) return this.fault(`expected ${what}`);
    return this.text.slice(start, this.pos);
  }

  /**
   * RFC 3261 §25.1: quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE;
   * quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F). Returns it as written, quotes included.
   */
  quotedString(): string | Fault {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const code = this.text.charCodeAt(this.pos);
      if (code === 34) {
        this.pos++;
        return this.text.slice(start, this.pos);
      }
      if (code === 92) {
        const next = this.text.charCodeAt(this.pos + 1);
        if (Number.isNaN(next) || next === 10 || next === 13 || next > 127) return this.fault('bad escape in a quoted string');
        this.pos += 2;
      } else if (code === 13 || code === 10) return this.fault('line break inside a quoted string');
      else this.pos++;
    }
    return this.fault('quoted string has no closing quote', start);
  }

  /**
   * RFC 3261 §25.1: *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
   * gen-value = token / host / quoted-string. Stops before a "," or the end.
   */
  params(): UriParam[] | Fault {
    const params: UriParam[] = [];
    for (;;) {
      this.skipLws();
      if (this.atEnd || this.text[this.pos] === ',') return params;
      if (this.text[this.pos] !== ';') return this.fault('expected ";" before a parameter');
      this.pos++;
      this.skipLws();
      const name = this.token('a parameter name');
      if (name instanceof Fault) return name;
      let value: string | undefined;
      if (this.accept('=')) {
        this.skipLws();
        const read = this.text[this.pos] === '"' ? this.quotedString() : this.word('a parameter value');
        if (read instanceof Fault) return read;
        value = read;
      }
      params.push({ name, value });
    }
  }
}

/** Unquotes a quoted-string (undoing quoted-pairs); returns other values unchanged. */
export function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\([\s\S])/g, '$1');
}

/** A quoted-string for any text (RFC 3261 §25.1): `"` and `\` get a backslash. */
export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** The unquoted value of header parameter `name` (case-insensitive), '' for a bare one. */
export function paramValue(params: UriParam[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const param of params) if (param.name.toLowerCase() === lower) return param.value === undefined ? '' : unquote(param.value);
  return undefined;
}

export function serializeParams(params: UriParam[]): string {
  let out = '';
  for (const param of params) out += param.value === undefined ? `;${param.name}` : `;${param.name}=${param.value}`;
  return out;
}
