/** Audio for tests: tones made here, and what sox measures of a file. */
import { spawnSync } from 'node:child_process';

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
