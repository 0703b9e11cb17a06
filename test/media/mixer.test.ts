import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Mixer } from '../../src/media/mixer/mixer.js';
import { toneFrames } from '../helpers/audio.js';

/** Power of one frequency in a frame (a single-bin DFT), to tell the tones apart in a mix. */
function power(frame: Int16Array, hz: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < frame.length; i++) {
    re += (frame[i] as number) * Math.cos((2 * Math.PI * hz * i) / 8000);
    im += (frame[i] as number) * Math.sin((2 * Math.PI * hz * i) / 8000);
  }
  return (re * re + im * im) / frame.length;
}

const tones = { caller: 400, agent: 1000, expert: 1600, supervisor: 2400 };
const frames = (ids: (keyof typeof tones)[]) =>
  new Map(ids.map((id) => [id, toneFrames(tones[id], 1, 800, 8000, 3000)[0] as Int16Array]));
const hears = (frame: Int16Array | undefined, id: keyof typeof tones) => power(frame as Int16Array, tones[id]) > 1e6;

describe('[E2] mixer', () => {
  it('three talkers each hear the other two and not themselves', () => {
    const mixer = new Mixer(800);
    for (const id of ['caller', 'agent', 'expert'] as const) mixer.set(id, { kind: 'talk' });
    const out = mixer.mix(frames(['caller', 'agent', 'expert']));
    for (const listener of ['caller', 'agent', 'expert'] as const) {
      for (const speaker of ['caller', 'agent', 'expert'] as const) {
        assert.equal(hears(out.get(listener), speaker), listener !== speaker, `${listener} hearing ${speaker}`);
      }
    }
  });

  it('a supervisor listening hears both parties and is heard by nobody', () => {
    const mixer = new Mixer(800);
    mixer.set('caller', { kind: 'talk' });
    mixer.set('agent', { kind: 'talk' });
    mixer.set('supervisor', { kind: 'listen' });
    const out = mixer.mix(frames(['caller', 'agent', 'supervisor']));
    assert.ok(hears(out.get('supervisor'), 'caller') && hears(out.get('supervisor'), 'agent'));
    assert.ok(!hears(out.get('caller'), 'supervisor') && !hears(out.get('agent'), 'supervisor'));
  });

  it('a whisper is heard by the agent only; barge-in makes the supervisor heard by all', () => {
    const mixer = new Mixer(800);
    mixer.set('caller', { kind: 'talk' });
    mixer.set('agent', { kind: 'talk' });
    mixer.set('supervisor', { kind: 'whisper', to: 'agent' });
    let out = mixer.mix(frames(['caller', 'agent', 'supervisor']));
    assert.ok(hears(out.get('agent'), 'supervisor'));
    assert.ok(!hears(out.get('caller'), 'supervisor'));
    assert.ok(hears(out.get('supervisor'), 'caller') && hears(out.get('supervisor'), 'agent'));
    mixer.set('supervisor', { kind: 'talk' });
    out = mixer.mix(frames(['caller', 'agent', 'supervisor']));
    assert.ok(hears(out.get('caller'), 'supervisor'));
  });

  it('mute and hold: muted is not heard but hears, held neither', () => {
    const mixer = new Mixer(800);
    mixer.set('caller', { kind: 'held' });
    mixer.set('agent', { kind: 'muted' });
    mixer.set('expert', { kind: 'talk' });
    const out = mixer.mix(frames(['caller', 'agent', 'expert']));
    assert.equal(out.has('caller'), false, 'a held party gets nothing (it hears hold music elsewhere)');
    assert.ok(hears(out.get('agent'), 'expert'));
    assert.ok(!hears(out.get('expert'), 'agent') && !hears(out.get('expert'), 'caller'));
  });

  it('sums exactly and clips only at the ends of the range', () => {
    const mixer = new Mixer(2);
    mixer.set('a', { kind: 'talk' });
    mixer.set('b', { kind: 'talk' });
    mixer.set('c', { kind: 'talk' });
    const out = mixer.mix(new Map([['a', Int16Array.of(30000, -5)], ['b', Int16Array.of(30000, 7)], ['c', Int16Array.of(-20000, 1)]]));
    assert.deepEqual(Array.from(out.get('c') as Int16Array), [32767, 2]);
    assert.deepEqual(Array.from(out.get('a') as Int16Array), [10000, 8]);
  });

  it('a whisperer whose target leaves goes on listening', () => {
    const mixer = new Mixer(800);
    mixer.set('caller', { kind: 'talk' });
    mixer.set('agent', { kind: 'talk' });
    mixer.set('supervisor', { kind: 'whisper', to: 'agent' });
    mixer.remove('agent');
    const out = mixer.mix(frames(['caller', 'supervisor']));
    assert.ok(hears(out.get('supervisor'), 'caller'));
    assert.ok(!hears(out.get('caller'), 'supervisor'));
  });
});
