/**
 * Audio helpers for the media tests: a temporary folder per test file, sox run as a real tool,
 * raw 16-bit PCM in and out, sine generators and signal-to-noise ratios.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system's temp dir; `remove()` deletes it and all it holds. */
export function temporaryFolder(prefix: string): { path: string; file: (name: string) => string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `kefu-${prefix}-`));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Runs sox with the given arguments; throws with its stderr if it fails. `-R` (repeatable mode)
 * seeds sox's noise and dither generators the same way every run, so test audio is reproducible.
 */
export function sox(args: readonly string[]): void {
  try {
    execFileSync('sox', ['-R', ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`sox ${args.join(' ')} failed: ${stderr}`);
  }
}

/** Runs sox and returns what it wrote to stderr (where `stat` and `stats` print). */
export function soxStderr(args: readonly string[]): string {
  const result = execFileSync('sh', ['-c', 'sox -R "$@" 2>&1 >/dev/null', 'sox', ...args], { maxBuffer: 1 << 26 });
  return result.toString();
}

/** Any audio file sox reads, as 8 kHz mono signed 16-bit samples. */
export function readLinear(file: string): Int16Array {
  const raw = execFileSync('sox', ['-R', file, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-c', '1', '-r', '8000', '-'], {
    maxBuffer: 1 << 30,
  });
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** Writes 8 kHz mono signed 16-bit samples as a WAV file through sox. */
export function writeWav(file: string, samples: Int16Array): void {
  const raw = `${file}.raw`;
  writeFileSync(raw, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  sox(['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-c', '1', '-r', '8000', raw, file]);
  rmSync(raw);
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** RMS amplitude of a file as `sox FILE -n stat` reports it (0..1 of full scale). */
export function soxRms(file: string): number {
  const match = /RMS\s+amplitude:\s+([\d.]+)/.exec(soxStderr([file, '-n', 'stat']));
  if (match?.[1] === undefined) throw new Error(`sox stat printed no RMS for ${file}`);
  return Number(match[1]);
}

/** A sum of sines at 8 kHz; amplitudes are of a 16-bit full scale (1 = 32767). */
export function tones(ms: number, parts: readonly { hz: number; amplitude: number }[], sampleRate = 8000): Int16Array {
  const samples = new Int16Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < samples.length; i += 1) {
    let value = 0;
    for (const { hz, amplitude } of parts) value += amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / sampleRate);
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(value)));
  }
  return samples;
}

/** Signal-to-noise ratio in dB of `decoded` against `reference` (the error is the noise). */
export function snrDb(reference: Int16Array, decoded: Int16Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i += 1) {
    const r = reference[i] ?? 0;
    const e = r - (decoded[i] ?? 0);
    signal += r * r;
    noise += e * e;
  }
  return 10 * Math.log10(signal / noise);
}

export function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}


/** `count` frames of `samples` 16-bit samples of a sine at `hz`, continuous across frames. */
export function toneFrames(hz: number, count: number, samples = 160, rate = 8000, amplitude = 8000): Int16Array[] {
  return Array.from({ length: count }, (_, f) =>
    Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * (f * samples + i)) / rate))),
  );
}

export function silentFrames(count: number, samples = 160): Int16Array[] {
  return Array.from({ length: count }, () => new Int16Array(samples));
}

export interface SoxStat {
  lengthSeconds: number;
  rmsAmplitude: number;
  roughFrequency: number;
}

/** `sox file -n [remix channel] stat`: length, RMS and rough frequency, as sox reads the file. */
export function soxStat(file: string, channel?: number): SoxStat {
  const args = [file, '-n', ...(channel !== undefined ? ['remix', String(channel)] : []), 'stat'];
  // sox prints its statistics on standard error.
  const run = spawnSync('sox', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sox could not read ${file}: ${run.stderr}`);
  const output = run.stderr;
  const value = (label: string) => Number(new RegExp(`${label}:\\s+(-?[\\d.]+)`).exec(output)?.[1] ?? Number.NaN);
  return { lengthSeconds: value('Length \\(seconds\\)'), rmsAmplitude: value('RMS     amplitude'), roughFrequency: value('Rough   frequency') };
}
