/**
 * Phone numbers as the directory keeps them: an E.164 number (`+8675588880000`) or a national or
 * short number / SIP user part of digits (`12345`, `075588880000`, `*72#`), without spaces or
 * punctuation. Callers and people write numbers with spaces, dashes, dots and brackets; those are
 * dropped. A Chinese input method types them full width (`（０１０）６２３４`); NFKC makes them ASCII.
 */
const separators = /[\s\-.()\u00a0]/g;
/** ITU-T E.164 §6: an international number is at most 15 digits, after the + only digits. */
const international = /^\+[0-9]{1,15}$/;
/** A national or short number, or a dial string with the keypad's * and #. */
const national = /^[0-9*#]{1,32}$/;

/** The stored form of a number a person wrote, or undefined when it is not a phone number. */
export function normalizePhone(written: string): string | undefined {
  const compact = written.normalize('NFKC').replace(separators, '');
  return international.test(compact) || national.test(compact) ? compact : undefined;
}
