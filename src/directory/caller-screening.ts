/**
 * Call filtering by calling number (FEATURES B10): whether a tenant serves a caller, decided from
 * its blacklist, its whitelist and its settings before any flow runs. Pure; the call layer loads
 * the entries (CallerListRepository.matching) and carries out the refusal.
 */
import type { BlacklistAction, CallerList, CallerListRow, CallSettings } from '../store/index.js';
import { normalizePhone } from './phone.js';

export type Screening = 'allow' | { refuse: BlacklistAction; because: 'blacklisted' | 'not-whitelisted'; prompt: string | null };

export type ScreeningSettings = Pick<CallSettings, 'blacklistAction' | 'refusalPrompt' | 'whitelistOnly'>;
export type ScreeningEntry = Pick<CallerListRow, 'list' | 'number' | 'match'>;

/**
 * The most specific entry that matches the caller decides: an exact entry over any prefix, a
 * longer prefix over a shorter one, and on a tie (one number on both lists) the blacklist, a
 * refusal being the more deliberate entry. So a tenant may blacklist `+86170` and whitelist
 * `+86170888` within it. A blacklisted caller is refused; in whitelist-only mode so is a caller
 * the whitelist does not decide for, and a caller without a usable number (anonymous, withheld,
 * not digits). Both refusals take the tenant's blacklist action. Numbers are compared as
 * normalizePhone writes them: `+86 138-0013-8000` is `+8613800138000`, but not `13800138000`.
 */
export function screenCaller(settings: ScreeningSettings, entries: readonly ScreeningEntry[], callingNumber: string | undefined): Screening {
  const number = callingNumber === undefined ? undefined : normalizePhone(callingNumber);
  const blacklist = number === undefined ? -1 : specificity(entries, 'blacklist', number);
  const whitelist = number === undefined ? -1 : specificity(entries, 'whitelist', number);
  const refuse = (because: 'blacklisted' | 'not-whitelisted'): Screening => ({ refuse: settings.blacklistAction, because, prompt: settings.refusalPrompt });
  if (blacklist >= 0 && blacklist >= whitelist) return refuse('blacklisted');
  if (settings.whitelistOnly && whitelist < 0) return refuse('not-whitelisted');
  return 'allow';
}

/** How specifically `list` matches `number`: -1 not at all, a prefix's length, or more for an exact entry. */
function specificity(entries: readonly ScreeningEntry[], list: CallerList, number: string): number {
  let best = -1;
  for (const entry of entries) {
    if (entry.list !== list) continue;
    if (entry.match === 'exact' && entry.number === number) return Number.MAX_SAFE_INTEGER;
    if (entry.match === 'prefix' && number.startsWith(entry.number)) best = Math.max(best, entry.number.length);
  }
  return best;
}
