/**
 * Headers whose value is a number or a number and a method: CSeq (§20.16), Max-Forwards (§20.22),
 * Content-Length (§20.14), Expires (§20.19), and the Call-ID word (§20.8).
 */
import { isToken, isWhitespace } from '../chars.js';
import { Fault } from '../fault.js';

export interface CSeq {
  seq: number;
  method: string;
}

/** RFC 3261 §8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer. */
export const MAX_CSEQ = 2 ** 32 - 1;

/** 1*DIGIT within `max`; leading zeros allowed (RFC 4475 §3.1.1.1). */
export function readInteger(text: string, max: number, what: string, base = 0): number | Fault {
  if (text.length === 0) return new Fault(base, `${what} is empty`);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return new Fault(base + i, `${what} is not a decimal number`);
  }
  const digits = text.replace(/^0+(?=.)/, '');
  if (digits.length > 15 || Number(digits) > max) return new Fault(base, `${what} is larger than ${max}`);
  return Number(digits);
}

export function parseCSeq(value: string, base = 0): CSeq | Fault {
  let split = 0;
  while (split < value.length && !isWhitespace(value.charCodeAt(split))) split++;
  const seq = readInteger(value.slice(0, split), MAX_CSEQ, 'CSeq number', base);
  if (seq instanceof Fault) return seq;
  const method = value.slice(split).trim();
  if (!isToken(method)) return new Fault(base + split, 'CSeq has no method');
  return { seq, method };
}

/** RFC 3261 §20.22: Max-Forwards is an integer in the range 0-255. */
export const parseMaxForwards = (value: string, base = 0): number | Fault => readInteger(value, 255, 'Max-Forwards', base);

/** RFC 3261 §20.14: Content-Length = 1*DIGIT (a sign makes it invalid, RFC 4475 §3.1.2.3). */
export const parseContentLength = (value: string, base = 0): number | Fault =>
  readInteger(value, Number.MAX_SAFE_INTEGER, 'Content-Length', base);

/** RFC 3261 §20.19: delta-seconds, at most 2^32-1. */
export const parseExpires = (value: string, base = 0): number | Fault => readInteger(value, MAX_CSEQ, 'Expires', base);

/**
 * RFC 3261 §25.1: callid = word [ "@" word ]. Kept opaque; it must be non-empty, printable and
 * free of whitespace.
 */
export function checkCallId(value: string, base = 0): string | Fault {
  if (value.length === 0) return new Fault(base, 'Call-ID is empty');
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 32 || code === 127) return new Fault(base + i, 'Call-ID holds whitespace or a control character');
  }
  return value;
}
