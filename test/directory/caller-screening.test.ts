import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { screenCaller, type ScreeningEntry, type ScreeningSettings } from '../../src/directory/index.js';

const entries: ScreeningEntry[] = [
  { list: 'blacklist', number: '+8613800138000', match: 'exact' },
  { list: 'blacklist', number: '+86170', match: 'prefix' },
  { list: 'whitelist', number: '+8613900139000', match: 'exact' },
  { list: 'whitelist', number: '+86170888', match: 'prefix' },
  { list: 'whitelist', number: '+8613800138000', match: 'exact' },
];
const open: ScreeningSettings = { blacklistAction: 'reject-busy', refusalPrompt: null, whitelistOnly: false };
const strict: ScreeningSettings = { blacklistAction: 'play-and-hang-up', refusalPrompt: 'not-served', whitelistOnly: true };

describe('[B10] screening callers by number', () => {
  it('refuses a blacklisted caller with the tenant’s action, as the number is written or dialled', () => {
    assert.deepEqual(screenCaller(open, entries, '+8613800138000'), { refuse: 'reject-busy', because: 'blacklisted', prompt: null });
    assert.deepEqual(screenCaller(open, entries, '+86 138-0013-8000'), { refuse: 'reject-busy', because: 'blacklisted', prompt: null });
    assert.deepEqual(screenCaller({ ...open, blacklistAction: 'reject-403' }, entries, '+8617012345678'), {
      refuse: 'reject-403',
      because: 'blacklisted',
      prompt: null,
    });
  });

  it('lets everyone else through while whitelist-only mode is off', () => {
    assert.equal(screenCaller(open, entries, '+8613700137000'), 'allow');
    assert.equal(screenCaller(open, entries, 'anonymous'), 'allow');
    assert.equal(screenCaller(open, entries, undefined), 'allow');
    assert.equal(screenCaller(open, [], '+8613800138000'), 'allow');
  });

  it('in whitelist-only mode serves listed callers only, and refuses those without a number', () => {
    assert.equal(screenCaller(strict, entries, '+8613900139000'), 'allow');
    assert.deepEqual(screenCaller(strict, entries, '+8613700137000'), { refuse: 'play-and-hang-up', because: 'not-whitelisted', prompt: 'not-served' });
    assert.deepEqual(screenCaller(strict, entries, 'anonymous'), { refuse: 'play-and-hang-up', because: 'not-whitelisted', prompt: 'not-served' });
    assert.deepEqual(screenCaller(strict, [], '+8613900139000'), { refuse: 'play-and-hang-up', because: 'not-whitelisted', prompt: 'not-served' });
  });

  it('lets the most specific entry decide: a longer whitelist prefix opens a hole in a blacklist prefix', () => {
    assert.equal(screenCaller(open, entries, '+8617088800000'), 'allow');
    assert.equal(screenCaller(strict, entries, '+8617088800000'), 'allow');
    assert.deepEqual(screenCaller(open, entries, '+8617087700000'), { refuse: 'reject-busy', because: 'blacklisted', prompt: null });
    const holes: ScreeningEntry[] = [
      { list: 'whitelist', number: '+86138', match: 'prefix' },
      { list: 'blacklist', number: '+8613800138000', match: 'exact' },
    ];
    assert.deepEqual(screenCaller(strict, holes, '+8613800138000'), { refuse: 'play-and-hang-up', because: 'blacklisted', prompt: 'not-served' });
  });

  it('refuses a caller listed alike on both lists: the blacklist wins the tie', () => {
    assert.deepEqual(screenCaller(strict, entries, '+8613800138000'), { refuse: 'play-and-hang-up', because: 'blacklisted', prompt: 'not-served' });
    const both: ScreeningEntry[] = [
      { list: 'whitelist', number: '+86139', match: 'prefix' },
      { list: 'blacklist', number: '+86139', match: 'prefix' },
    ];
    assert.deepEqual(screenCaller(open, both, '+8613900000000'), { refuse: 'reject-busy', because: 'blacklisted', prompt: null });
  });
});
