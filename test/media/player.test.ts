import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeWav } from '../../src/media/player/audio-file.js';
import { Player, type PlayerEnd } from '../../src/media/player/player.js';
import { SpeechSynthesizer } from '../../src/media/player/speech.js';
import { renderTone, toneSegments } from '../../src/media/player/tones.js';
import { WavRecorder } from '../../src/media/recorder/wav-recorder.js';
import { soxStat } from '../helpers/audio.js';

const folder = mkdtempSync(join(tmpdir(), 'kefu-player-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

/** Writes 8 kHz samples to a WAV with the recorder, for sox to measure. */
async function measured(samples: Int16Array) {
  const recorder = new WavRecorder(join(folder, `m${files++}.wav`), { channels: 1, sampleRate: 8000 });
  for (let i = 0; i < samples.length; i += 160) recorder.write([samples.subarray(i, i + 160)]);
  return soxStat((await recorder.stop()).path);
}

describe('prompt files', () => {
  const formats: [string, string[]][] = [
    ['44.1 kHz stereo 24-bit', ['-r', '44100', '-c', '2', '-b', '24']],
    ['16 kHz mono 16-bit', ['-r', '16000', '-c', '1', '-b', '16']],
    ['8 kHz µ-law', ['-r', '8000', '-c', '1', '-e', 'u-law']],
    ['22.05 kHz float', ['-r', '22050', '-c', '1', '-e', 'floating-point', '-b', '32']],
    ['48 kHz 8-bit', ['-r', '48000', '-c', '1', '-b', '8']],
  ];
  for (const [label, args] of formats) {
    it(`decodes a ${label} WAV to 8 kHz mono, keeping length and pitch`, async () => {
      const path = join(folder, `f${files++}.wav`);
      execFileSync('sox', ['-n', ...args, path, 'synth', '1.5', 'sine', '700', 'vol', '0.5']);
      const samples = decodeWav(readFileSync(path));
      assert.ok(Math.abs(samples.length - 12000) <= 2, `${samples.length} samples`);
      const stat = await measured(samples);
      assert.ok(Math.abs(stat.roughFrequency - 700) < 40, `${stat.roughFrequency} Hz`);
      assert.ok(stat.rmsAmplitude > 0.3, `rms ${stat.rmsAmplitude}`);
    });
  }

  it('refuses what is not a WAV file with a reason', () => {
    assert.throws(() => decodeWav(Buffer.from('not audio at all'), 'greeting.wav'), /greeting\.wav is not a WAV file/);
  });
});

describe('tones', () => {
  it('renders the Chinese ringback: 450 Hz for 1 s, then 4 s of silence', async () => {
    const cycle = renderTone(toneSegments('ringback', 'zh-CN'));
    assert.equal(cycle.length, 40_000);
    const on = await measured(cycle.subarray(0, 8000));
    assert.ok(Math.abs(on.roughFrequency - 450) < 30, `${on.roughFrequency} Hz`);
    assert.ok(cycle.subarray(8000).every((s) => s === 0));
  });

  it('renders the busy tone and the beep with their own cadence and pitch', async () => {
    const busy = renderTone(toneSegments('busy', 'zh-CN'));
    assert.equal(busy.length, 5600);
    const beep = renderTone(toneSegments('beep', 'en'));
    const stat = await measured(beep.subarray(0, 2000));
    assert.ok(Math.abs(stat.roughFrequency - 1000) < 60, `${stat.roughFrequency} Hz`);
    assert.ok(renderTone(toneSegments('hold', 'en')).some((s) => s !== 0));
  });
});

describe('player', () => {
  const ramp = (from: number, count: number) => Int16Array.from({ length: count }, (_, i) => from + i);

  it('plays items back to back in 20 ms frames, padding only the very end', () => {
    const ends: PlayerEnd[] = [];
    const player = new Player(160, (end) => ends.push(end));
    player.play([ramp(0, 100), ramp(100, 300)]);
    const frames = [player.next(), player.next(), player.next(), player.next()];
    assert.deepEqual(Array.from(frames[0] as Int16Array), Array.from(ramp(0, 160)));
    assert.deepEqual(Array.from(frames[1] as Int16Array), Array.from(ramp(160, 160)));
    assert.deepEqual(Array.from((frames[2] as Int16Array).subarray(0, 80)), Array.from(ramp(320, 80)));
    assert.ok((frames[2] as Int16Array).subarray(80).every((s) => s === 0));
    assert.equal(frames[3], undefined);
    assert.deepEqual(ends, ['finished']);
  });

  it('loops until stopped, and a new play replaces the old', () => {
    const ends: PlayerEnd[] = [];
    const player = new Player(160, (end) => ends.push(end));
    player.play([ramp(1, 100)], { loop: true });
    for (let i = 0; i < 100; i++) assert.ok(player.next());
    player.play([ramp(0, 160)]);
    assert.deepEqual(ends, ['stopped']);
    player.next();
    player.stop();
    assert.deepEqual(ends, ['stopped', 'finished']);
  });

  it('[B2] a key press stops an interruptible prompt (barge-in), not the others', () => {
    const ends: PlayerEnd[] = [];
    const player = new Player(160, (end) => ends.push(end));
    player.play([ramp(0, 8000)]);
    assert.equal(player.interrupt(), false);
    player.play([ramp(0, 8000)], { interruptible: true });
    assert.equal(player.interrupt(), true);
    assert.equal(player.next(), undefined);
    assert.deepEqual(ends, ['stopped', 'interrupted']);
  });
});

describe('[B1] speech', () => {
  it('speaks Mandarin and English with espeak-ng, once, then from the cache', async () => {
    const cache = join(folder, 'speech');
    const speech = new SpeechSynthesizer(cache);
    const [zh, en] = await Promise.all([speech.speak('您好，欢迎致电示范科技局', 'zh-CN'), speech.speak('Welcome to the Demo Science Bureau', 'en')]);
    for (const samples of [zh, en]) {
      assert.ok(samples.length > 8000, `${samples.length / 8000} s of speech`);
      assert.ok((await measured(samples)).rmsAmplitude > 0.02);
    }
    assert.equal(readdirSync(cache).filter((f) => f.endsWith('.pcm')).length, 2);
    const offline = new SpeechSynthesizer(cache, '/nonexistent/espeak-ng');
    assert.deepEqual(await offline.speak('Welcome to the Demo Science Bureau', 'en'), en, 'served from the cache');
    await assert.rejects(offline.speak('Never said before', 'en'), { code: 'ERR_SPEECH' });
  });

  it('text that looks like an option is spoken, not obeyed', async () => {
    const samples = await new SpeechSynthesizer(join(folder, 'speech2')).speak('--version', 'en');
    assert.ok(samples.length > 1000);
  });
});
