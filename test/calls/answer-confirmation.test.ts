import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseCause, verdictOf } from '../../src/calls/answer-confirmation.js';

describe('[A4] screening an answer ("press 1 to accept")', () => {
  it('only the key asked for accepts; another key declines', () => {
    assert.equal(verdictOf({ kind: 'key', digit: '1' }, '1'), 'accepted');
    assert.equal(verdictOf({ kind: 'key', digit: '2' }, '1'), 'other-key');
    assert.equal(verdictOf({ kind: 'key', digit: '#' }, '#'), 'accepted');
  });

  it('silence (a voicemail that took the call) never accepts, nor does the party or the caller leaving', () => {
    assert.equal(verdictOf({ kind: 'timeout' }, '1'), 'silence');
    assert.equal(verdictOf({ kind: 'party-gone' }, '1'), 'party-gone');
    assert.equal(verdictOf({ kind: 'given-up' }, '1'), 'given-up');
  });

  it('the party hung up by Kefu gets the cause of why in their CDR (Q.850 21, 18, 16)', () => {
    assert.equal(releaseCause('other-key'), 'call_rejected');
    assert.equal(releaseCause('silence'), 'no_user_response');
    assert.equal(releaseCause('given-up'), 'normal_clearing');
  });
});
