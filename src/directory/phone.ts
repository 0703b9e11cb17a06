/**
 * Phone numbers as the directory keeps them: an E.164 number (`+8675588880000`) or a national or
 * short number / SIP user part of digits (`12345`, `075588880000`), without spaces or punctuation.
 * Callers and people write numbers with spaces, dashes, dots and brackets; those are dropped.
 */
const separators = /[\s\-.()\u00a0]/g;
const storedForm = /^\+?[0-9*#]{1,32}$/;

/** The stored form of a number a person wrote, or undefined when it is not a phone number. */
export function normalizePhone(written: string): string | undefined {
  const compact = written.replace(separators, '');
  return storedForm.test(compact) && compact !== '+' ? compact : undefined;
}
