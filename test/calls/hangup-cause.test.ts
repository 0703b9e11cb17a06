import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { causeOfReason, causeOfStatus, hangupCauses, reasonHeader, statusOfCause, type HangupCause } from '../../src/calls/index.js';

describe('hang-up causes mapped both ways to SIP (RFC 3398, RFC 3326)', () => {
  it('MUST map received final responses to Q.850 causes as RFC 3398 §8.2.6.1 says', () => {
    const expected: [number, HangupCause][] = [
      [200, 'normal_clearing'],
      [403, 'call_rejected'],
      [404, 'unallocated_number'],
      [408, 'recovery_on_timer_expire'],
      [480, 'no_user_response'],
      [484, 'invalid_number_format'],
      [486, 'user_busy'],
      [600, 'user_busy'],
      [488, 'incompatible_destination'],
      [502, 'network_out_of_order'],
      [503, 'temporary_failure'],
      [699, 'interworking'],
    ];
    for (const [status, cause] of expected) assert.equal(causeOfStatus(status), cause, String(status));
  });

  it('MUST answer refusals with the status RFC 3398 §7.2.4.1 gives each cause', () => {
    assert.equal(statusOfCause('user_busy'), 486);
    assert.equal(statusOfCause('unallocated_number'), 404);
    assert.equal(statusOfCause('call_rejected'), 403);
    assert.equal(statusOfCause('no_answer'), 480);
    assert.equal(statusOfCause('temporary_failure'), 503);
  });

  it('a cause survives the round trip through a status where the tables agree', () => {
    for (const cause of ['user_busy', 'unallocated_number', 'call_rejected', 'invalid_number_format', 'number_changed'] as const) {
      assert.equal(causeOfStatus(statusOfCause(cause)), cause);
    }
  });

  it('MUST write and read the Reason header of RFC 3326 §2', () => {
    assert.deepEqual(reasonHeader('user_busy'), ['Reason', 'Q.850;cause=17;text="user_busy"']);
    for (const name of Object.keys(hangupCauses) as HangupCause[]) assert.equal(causeOfReason(reasonHeader(name)[1]), name);
    assert.equal(causeOfReason('SIP;cause=200;text="Call completed elsewhere", Q.850 ; cause=31'), 'normal_unspecified');
    assert.equal(causeOfReason('SIP;cause=487'), undefined);
    assert.equal(causeOfReason('Q.850;cause=250'), undefined);
    assert.equal(causeOfReason(undefined), undefined);
  });
});
