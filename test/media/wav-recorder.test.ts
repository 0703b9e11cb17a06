import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WavRecorder } from '../../src/media/recorder/wav-recorder.js';
import { silentFrames, soxStat, toneFrames } from '../helpers/audio.js';

const folder = mkdtempSync(join(tmpdir(), 'kefu-recorder-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;
const file = () => join(folder, `r${files++}.wav`);

describe('WAV recorder', () => {
  it('[F1] records stereo with one party per channel, as sox reads it', async () => {
    const recorder = new WavRecorder(file(), { channels: 2, sampleRate: 8000 });
    const caller = toneFrames(440, 150);
    const agent = toneFrames(1000, 150);
    for (let i = 0; i < 150; i++) recorder.write([caller[i] as Int16Array, agent[i] as Int16Array]);
    const recording = await recorder.stop();
    assert.equal(recording.durationMs, 3000);
    assert.equal(recording.reason, 'stopped');
    const left = soxStat(recording.path, 1);
    const right = soxStat(recording.path, 2);
    assert.equal(left.lengthSeconds, 3);
    assert.ok(Math.abs(left.roughFrequency - 440) < 30, `left ${left.roughFrequency} Hz`);
    assert.ok(Math.abs(right.roughFrequency - 1000) < 60, `right ${right.roughFrequency} Hz`);
    assert.equal(recording.sha256, createHash('sha256').update(readFileSync(recording.path)).digest('hex'));
    assert.equal(recording.bytes, readFileSync(recording.path).length);
  });

  it('mixes both parties into one channel in mono', async () => {
    const recorder = new WavRecorder(file(), { channels: 1, sampleRate: 8000 });
    const a = toneFrames(440, 50, 160, 8000, 4000);
    const silent = silentFrames(50);
    for (let i = 0; i < 50; i++) recorder.write([a[i] as Int16Array, silent[i] as Int16Array]);
    const mixed = soxStat((await recorder.stop()).path);
    assert.equal(mixed.lengthSeconds, 1);
    assert.ok(mixed.rmsAmplitude > 0.07 && mixed.rmsAmplitude < 0.1, `rms ${mixed.rmsAmplitude}`);
  });

  it('leaves out what is said while paused', async () => {
    const recorder = new WavRecorder(file(), { channels: 1, sampleRate: 8000 });
    const tone = toneFrames(440, 150);
    tone.slice(0, 50).forEach((f) => recorder.write([f]));
    recorder.pause();
    tone.slice(50, 100).forEach((f) => recorder.write([f]));
    recorder.resume();
    tone.slice(100).forEach((f) => recorder.write([f]));
    assert.equal((await recorder.stop()).durationMs, 2000);
  });

  it('stops by itself at the maximum length', async () => {
    const recorder = new WavRecorder(file(), { channels: 1, sampleRate: 8000, maxDurationMs: 2000 });
    const results = toneFrames(440, 150).map((f) => recorder.write([f]));
    assert.equal(results.indexOf(false), 99, 'the 100th frame reaches two seconds');
    assert.equal(recorder.state, 'ended');
    const recording = await recorder.stop();
    assert.equal(recording.reason, 'max-length');
    assert.equal(soxStat(recording.path).lengthSeconds, 2);
  });

  it('[B6] ends on silence after the caller has spoken, not before', async () => {
    const recorder = new WavRecorder(file(), { channels: 1, sampleRate: 8000, endOnSilence: { afterMs: 2000, thresholdDbfs: -45 } });
    for (const f of silentFrames(150)) assert.equal(recorder.write([f]), true, 'leading silence does not end it');
    for (const f of toneFrames(440, 50)) recorder.write([f]);
    const results = silentFrames(200).map((f) => recorder.write([f]));
    assert.equal(results.indexOf(false), 99, 'two seconds of silence after speech end it');
    const recording = await recorder.stop();
    assert.equal(recording.reason, 'silence');
    assert.equal(recording.durationMs, 6000);
  });

  it('a recording cut short by SIGKILL is a valid WAV holding all but the last second at most', async () => {
    const path = file();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'recorder-child.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const said = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    assert.match(said, /recorded 3500/);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const kept = soxStat(path);
    assert.ok(kept.lengthSeconds >= 2.5 && kept.lengthSeconds <= 3.5, `kept ${kept.lengthSeconds} s of 3.5`);
    assert.ok(Math.abs(kept.roughFrequency - 1000) < 60);
  });
});
