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

/**
 * The forms one number may be kept in, for finding a caller (FEATURES I1): carriers deliver
 * Chinese callers as `13800138000`, `013800138000`, `8613800138000` or `+8613800138000`, and a
 * landline with its trunk prefix (`01062345678`); the directory may hold any of them.
 * `countryCode` is the tenant's (86 for China).
 */
export function phoneVariants(number: string, countryCode = '86'): string[] {
  const variants = new Set([number]);
  let national: string | undefined;
  if (number.startsWith(`+${countryCode}`)) national = number.slice(countryCode.length + 1);
  else if (number.startsWith(`00${countryCode}`)) national = number.slice(countryCode.length + 2);
  else if (number.startsWith(countryCode) && number.length === countryCode.length + 11) national = number.slice(countryCode.length);
  else if (/^0[1-9]/.test(number)) national = number.slice(1);
  else if (/^1[3-9][0-9]{9}$/.test(number)) national = number;
  if (national !== undefined && /^[0-9]{5,14}$/.test(national)) {
    variants.add(`+${countryCode}${national}`);
    variants.add(national);
    // Landlines (not mobiles) are dialled nationally with the trunk prefix 0.
    if (!/^1[3-9]/.test(national)) variants.add(`0${national}`);
  }
  return [...variants];
}
