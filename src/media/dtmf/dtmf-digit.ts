/**
 * DTMF digits and what the receivers report about them. Both the RFC 4733 receiver and the
 * in-band detector speak this: exactly one `digit-start` and one `digit-end` per keypress.
 */

/** RFC 4733 §3.2 table 3: events 0–15 are the DTMF digits in this order. */
export const DTMF_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'] as const;

export type DtmfDigit = (typeof DTMF_DIGITS)[number];

/** How a digit's end was known. */
export type DtmfEnding =
  /** RFC 4733: a packet with the E bit. */
  | 'end-bit'
  /** RFC 4733: no end packet arrived, and no update within the timeout. */
  | 'timeout'
  /** RFC 4733: no end packet arrived before the next event began. */
  | 'next-event'
  /** In-band: the tone stopped for at least the minimum gap. */
  | 'tone-stopped';

export type DtmfNotice =
  | { kind: 'digit-start'; digit: DtmfDigit; atMs: number }
  | { kind: 'digit-end'; digit: DtmfDigit; durationMs: number; atMs: number; ending: DtmfEnding };

/** The digit of an RFC 4733 event code, or undefined for events that are not DTMF (16 = flash …). */
export function digitOfEvent(event: number): DtmfDigit | undefined {
  return DTMF_DIGITS[event];
}

export function eventOfDigit(digit: DtmfDigit): number {
  return DTMF_DIGITS.indexOf(digit);
}
