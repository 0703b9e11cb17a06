import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IllegalLegTransitionError } from '../../src/calls/index.js';
import { Call } from '../../src/calls/call.js';
import { LegStateMachine } from '../../src/calls/leg-state.js';

describe('call legs as explicit state machines', () => {
  it('an inbound leg goes routing → answering → up → held → up → ended', () => {
    const leg = new LegStateMachine('routing');
    for (const next of ['answering', 'up', 'held', 'up', 'ended'] as const) leg.to(next);
    assert.equal(leg.state, 'ended');
  });

  it('an outbound leg rings, may bring early media, and is answered', () => {
    const leg = new LegStateMachine('calling');
    for (const next of ['ringing', 'early', 'up'] as const) leg.to(next);
    assert.equal(leg.state, 'up');
  });

  it('MUST reject moves the table does not list', () => {
    const leg = new LegStateMachine('routing');
    assert.throws(() => leg.to('held'), IllegalLegTransitionError);
    leg.to('ended');
    assert.throws(() => leg.to('up'), (error: unknown) => error instanceof IllegalLegTransitionError && error.code === 'ERR_ILLEGAL_LEG_TRANSITION');
    assert.equal(leg.tryTo('up'), false);
  });

  it('a late 180 after the answer is ignored, not an error', () => {
    const leg = new LegStateMachine('calling');
    leg.to('up');
    assert.equal(leg.tryTo('ringing'), false);
    assert.equal(leg.state, 'up');
  });

  it('a call records each leg other than the caller\'s once, with its cause and side', () => {
    const records: unknown[] = [];
    let clock = 0;
    const call = new Call('tenant-1', (record) => records.push(record), () => new Date(clock));
    const caller = call.addLeg({ role: 'caller', sipCallId: 'a', direction: 'inbound', from: '138', to: '12345' });
    const busy = call.addLeg({ role: 'callee', sipCallId: 'b', direction: 'outbound', from: '138', to: 'sip:1002@x', target: '1002' });
    const answered = call.addLeg({ role: 'callee', sipCallId: 'c', direction: 'outbound', from: '138', to: 'sip:1003@x', target: '1003' });
    busy.state.to('ringing');
    clock = 1000;
    busy.end('user_busy', 'callee', 486);
    busy.end('normal_clearing', 'kefu');
    answered.to('up');
    clock = 5000;
    answered.end('normal_clearing', 'caller');
    caller.to('answering');
    caller.to('up');
    caller.end('normal_clearing', 'caller');
    assert.equal(call.state, 'ended');
    assert.deepEqual(
      records.map((r) => {
        const { target, cause, endedBy, sipStatus, answeredAt, endedAt, callId } = r as Record<string, unknown>;
        return { target, cause, endedBy, sipStatus, answered: answeredAt !== undefined, endedAt: (endedAt as Date).getTime(), sameCall: callId === call.id };
      }),
      [
        { target: '1002', cause: 'user_busy', endedBy: 'callee', sipStatus: 486, answered: false, endedAt: 1000, sameCall: true },
        { target: '1003', cause: 'normal_clearing', endedBy: 'caller', sipStatus: undefined, answered: true, endedAt: 5000, sameCall: true },
      ],
    );
  });
});
