/**
 * The failure a parser of untrusted bytes returns instead of throwing: where (an offset into what
 * it was given) and why. Sub-parsers return `T | Fault` and callers test with `instanceof`.
 */
export class Fault {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}

  /** The same fault, moved by `base` (a sub-parser's offsets are relative to its input). */
  shift(base: number): Fault {
    return base === 0 ? this : new Fault(this.offset + base, this.reason);
  }
}

export interface ParseError {
  /** Offset in the input (bytes for messages, characters for strings) where the problem is. */
  offset: number;
  reason: string;
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: ParseError };

export function outcome<T>(value: T | Fault): ParseOutcome<T> {
  return value instanceof Fault ? { ok: false, error: { offset: value.offset, reason: value.reason } } : { ok: true, value };
}
