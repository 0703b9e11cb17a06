import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueRequest } from '../../src/calls/index.js';
import { asInteractionId, asReservationId } from '../../src/routing/ids.js';
import { experienceOf } from '../../src/routing/caller-experience.js';
import { queueSettingsSchema } from '../../src/routing/index.js';
import { WaitingCaller } from '../../src/routing/waiting-caller.js';
import { ScriptedChannel } from '../helpers/scripted-channel.js';

function request(caller: string | undefined): QueueRequest {
  return { queue: 'q', priority: 0, vip: false, skills: [], channel: new ScriptedChannel([]), sipCallId: 'c1', caller, customerId: undefined };
}

describe('[C5][D2] the caller experience of a queue', () => {
  it('settings: defaults filled in, a bad key or an empty comfort list refused with its path', () => {
    const { experience, callback } = experienceOf({ callback: { key: '2' }, comfort: { everySeconds: 20, messages: [{ text: '请稍候' }] }, strategy: 'round_robin' });
    assert.deepEqual(experience, { comfort: { everySeconds: 20, messages: [{ text: '请稍候' }] }, callback: { key: '2', everySeconds: 30 }, announceAgentId: false });
    assert.deepEqual(callback, { key: '2', everySeconds: 30, attempts: 2, retrySeconds: 10, ringSeconds: 30 });
    assert.equal(experienceOf({}).experience.callback, undefined, 'no callback offered unless the queue says so');
    assert.equal(experienceOf({}).callback.attempts, 2, 'an overflow to callback still has a policy');
    const bad = queueSettingsSchema.safeParse({ id: 'q', callback: { key: '12' }, comfort: { everySeconds: 20, messages: [] } });
    assert.ok(!bad.success);
    assert.deepEqual(bad.error.issues.map((i) => i.path.join('.')).sort(), ['callback.key', 'comfort.messages']);
  });

  it('a callback needs a calling number, a queue that offers it, no agent ringing, and routing\'s consent', async () => {
    const offered = experienceOf({ callback: {} }).experience;
    let consent = true;
    const make = (caller: string | undefined, experience = offered) => new WaitingCaller(asInteractionId('i1'), request(caller), 0, experience, () => consent);
    assert.equal(make(undefined).requestCallback(), false, 'no number to call');
    assert.equal(make('13800138000', experienceOf({}).experience).requestCallback(), false, 'the queue offers none');
    const ringing = make('13800138000');
    ringing.offers.set(asReservationId('r1'), () => undefined);
    assert.equal(ringing.requestCallback(), false, 'an agent is ringing for this caller');
    consent = false;
    assert.equal(make('13800138000').requestCallback(), false, 'the core refused');
    consent = true;
    const chosen = make('13800138000');
    assert.equal(chosen.requestCallback(), true);
    assert.deepEqual(await chosen.done, { served: false, reason: 'callback' });
    assert.equal(chosen.callingBack, true);
    assert.equal(chosen.requestCallback(), false, 'only once');
  });

  it('the agent\'s number is announced only when the queue says so', async () => {
    const heard: string[] = [];
    for (const announceAgentId of [false, true]) {
      const waiting = new WaitingCaller(asInteractionId('i2'), request('1'), 0, { comfort: undefined, callback: undefined, announceAgentId }, () => true);
      waiting.onAgent(async (agent) => void heard.push(agent));
      await waiting.agentAnswered(announceAgentId ? '1002' : '1001');
    }
    assert.deepEqual(heard, ['1002']);
  });
});
