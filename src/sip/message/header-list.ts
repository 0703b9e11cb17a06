/**
 * The header fields of a message, in wire order, each as written: the name as it arrived
 * (`MaX-fOrWaRdS`, `v`) and the value with folding undone. Lookups go by the canonical lower-case
 * long name, so `v` and `Via` are the same header (RFC 3261 §7.3.3).
 */

// RFC 3261 §7.3.3 and §20, RFC 3265, RFC 3515, RFC 3892, RFC 4028, RFC 3841, RFC 4474:
// compact forms of header names.
const COMPACT: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** The canonical key of a header name: lower case, compact forms expanded. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
}

export interface HeaderField {
  /** The name as written on the wire (or as given by the code that added it). */
  name: string;
  /** headerKey(name). */
  key: string;
  /** The value without leading/trailing whitespace, folded lines joined by one SP (RFC 3261 §7.3.1). */
  value: string;
}

export class HeaderList {
  readonly fields: HeaderField[];
  /** Bumped on every change, so that cached parsed values know when they are stale. */
  version = 0;

  constructor(fields: HeaderField[] = []) {
    this.fields = fields;
  }

  get size(): number {
    return this.fields.length;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.fields.some((field) => field.key === key);
  }

  /** The value of the first field with this name. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const field of this.fields) if (field.key === key) return field.value;
    return undefined;
  }

  /** Every field value with this name, one per line, in order (not split at commas). */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const values: string[] = [];
    for (const field of this.fields) if (field.key === key) values.push(field.value);
    return values;
  }

  /**
   * Every element of a comma-separated header (RFC 3261 §7.3.1), across all its lines, in order.
   * Commas inside quoted strings and `<…>` do not split.
   */
  list(name: string): string[] {
    return this.getAll(name).flatMap(splitList);
  }

  append(name: string, value: string): void {
    this.fields.push({ name, key: headerKey(name), value });
    this.version++;
  }

  /** Adds a field before every other one (a proxy's Via or Record-Route, RFC 3261 §16.6). */
  prepend(name: string, value: string): void {
    this.fields.unshift({ name, key: headerKey(name), value });
    this.version++;
  }

  /** Replaces the value of the field at `index` (the transport's Via stamping, RFC 3261 §18.2.1). */
  replaceAt(index: number, value: string): void {
    const field = this.fields[index];
    if (field === undefined) return;
    this.fields[index] = { ...field, value };
    this.version++;
  }

  /** Replaces every field with this name by one, kept at the place of the first. */
  set(name: string, value: string): void {
    const key = headerKey(name);
    const first = this.fields.findIndex((field) => field.key === key);
    this.remove(name);
    const field = { name, key, value };
    if (first < 0) this.fields.push(field);
    else this.fields.splice(first, 0, field);
    this.version++;
  }

  remove(name: string): void {
    const key = headerKey(name);
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i]?.key === key) this.fields.splice(i, 1);
    this.version++;
  }

  clone(): HeaderList {
    return new HeaderList(this.fields.map((field) => ({ ...field })));
  }
}

/** Splits one header value at top-level commas; elements are trimmed, empty ones dropped. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (quoted) {
      if (code === 92) i++;
      else if (code === 34) quoted = false;
    } else if (code === 34) quoted = true;
    else if (code === 60) angle = true;
    else if (code === 62) angle = false;
    else if (code === 44 && !angle) {
      const part = value.slice(start, i).trim();
      if (part.length > 0) out.push(part);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last.length > 0) out.push(last);
  return out;
}
