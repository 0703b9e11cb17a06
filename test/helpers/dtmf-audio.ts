/**
 * DTMF test audio made with sox, as PEERS.md describes: random digits with random tone and gap
 * lengths, white noise mixed in at a chosen SNR, and a scorer that matches what a detector
 * reported against what was played.
 */
import { type DtmfDigit, type DtmfNotice, DTMF_DIGITS, GoertzelDetector, type GoertzelDetectorOptions, SAMPLES_PER_FRAME } from '../../src/media/index.js';
import { sox, soxRms, soxStderr } from './audio.js';
import { seededRandom } from './random.js';

/** ITU-T Q.23: the low and high frequency of each key. */
export const DTMF_HZ: Readonly<Record<DtmfDigit, readonly [number, number]>> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

export interface PlannedDigit {
  digit: DtmfDigit;
  /** When the tone starts, from the start of the file. */
  startMs: number;
  toneMs: number;
  /** Silence after the tone. */
  gapMs: number;
}

/** `count` random digits, tones and gaps each 60–100 ms in steps of 10 ms, after a 100 ms lead-in. */
export function planDigits(count: number, seed: number): PlannedDigit[] {
  const random = seededRandom(seed);
  const steps = [60, 70, 80, 90, 100];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const plan: PlannedDigit[] = [];
  let at = 100;
  for (let i = 0; i < count; i += 1) {
    const digit = pick(DTMF_DIGITS);
    const toneMs = pick(steps);
    const gapMs = pick(steps);
    plan.push({ digit, startMs: at, toneMs, gapMs });
    at += toneMs + gapMs;
  }
  return plan;
}

/**
 * Writes the planned digits as one 8 kHz 16-bit WAV made by sox: one sox call per distinct
 * (digit, length) and per gap length, then one call that joins them in order.
 */
export function soxDtmfFile(plan: readonly PlannedDigit[], file: (name: string) => string, out: string): void {
  const made = new Set<string>();
  const piece = (name: string, effect: string[]): string => {
    const path = file(`${name}.wav`);
    if (!made.has(name)) {
      sox(['-n', '-r', '8000', '-c', '1', '-b', '16', path, ...effect]);
      made.add(name);
    }
    return path;
  };
  const silence = (ms: number): string => piece(`gap-${ms}`, ['trim', '0', `${ms / 1000}`]);
  const parts = [silence(100)];
  for (const { digit, toneMs, gapMs } of plan) {
    const [low, high] = DTMF_HZ[digit];
    const name = `tone-${DTMF_DIGITS.indexOf(digit)}-${toneMs}`;
    parts.push(piece(name, ['synth', `${toneMs / 1000}`, 'sine', `${low}`, 'sine', `${high}`]), silence(gapMs));
  }
  sox([...parts, out]);
}

/**
 * Mixes white noise into `input` so that the tones stand `snrDb` above it (tone power over noise
 * power), measured with `sox stat` on a reference tone; returns the noise RMS it aimed at.
 */
export function soxAddNoise(input: string, referenceTone: string, snrDb: number, file: (name: string) => string, out: string): { toneRms: number; noiseRms: number } {
  const toneRms = soxRms(referenceTone);
  // sox's whitenoise at full volume is not 10 × its level at `vol 0.1` (it clips), so measure
  // the noise at a low volume and scale from there, where `vol` is linear.
  const unit = file('noise-unit.wav');
  sox(['-n', '-r', '8000', '-c', '1', '-b', '16', unit, 'synth', '10', 'whitenoise', 'vol', '0.1']);
  const unitRms = soxRms(unit) / 0.1;
  const targetRms = toneRms / 10 ** (snrDb / 20);
  const noise = file('noise.wav');
  const seconds = Number(/Length \(seconds\):\s+([\d.]+)/.exec(soxStatText(input))?.[1] ?? '0');
  sox(['-n', '-r', '8000', '-c', '1', '-b', '16', noise, 'synth', `${seconds}`, 'whitenoise', 'vol', `${targetRms / unitRms}`]);
  // `-m` averages its inputs unless each is given -v 1: keep both at their own level.
  sox(['-m', '-v', '1', input, '-v', '1', noise, out]);
  return { toneRms, noiseRms: soxRms(noise) };
}

function soxStatText(file: string): string {
  return soxStderr([file, '-n', 'stat']);
}

/** Runs a detector over samples in 20 ms frames, as a media worker would, and flushes it. */
export function detectInBand(samples: Int16Array, options?: GoertzelDetectorOptions): DtmfNotice[] {
  const detector = new GoertzelDetector(options);
  const notices: DtmfNotice[] = [];
  for (let offset = 0; offset < samples.length; offset += SAMPLES_PER_FRAME) notices.push(...detector.process(samples.subarray(offset, offset + SAMPLES_PER_FRAME)));
  notices.push(...detector.flush());
  return notices;
}

export interface DetectionScore {
  played: number;
  detected: number;
  missed: number;
  extra: number;
  wrong: number;
  /** (played − missed − wrong − extra) / played */
  accuracy: number;
  /** Up to ten descriptions of what went wrong, for the failure message. */
  examples: string[];
}

/**
 * Matches each reported digit start to the tone it fell in (from the tone's start to 40 ms
 * after its end, the longest a detector needs to confirm). A tone with no start is missed, a
 * start outside every tone or a second one in the same tone is extra, a different digit is wrong.
 */
export function scoreDetection(plan: readonly PlannedDigit[], notices: readonly DtmfNotice[]): DetectionScore {
  const starts = notices.filter((notice) => notice.kind === 'digit-start');
  const ends = notices.filter((notice) => notice.kind === 'digit-end');
  const score: DetectionScore = { played: plan.length, detected: starts.length, missed: 0, extra: 0, wrong: 0, accuracy: 0, examples: [] };
  const note = (text: string): void => {
    if (score.examples.length < 10) score.examples.push(text);
  };
  let next = 0;
  const hits = new Array<number>(plan.length).fill(0);
  for (const start of starts) {
    while (next < plan.length && start.atMs > (plan[next]?.startMs ?? 0) + (plan[next]?.toneMs ?? 0) + 40) next += 1;
    const tone = plan[next];
    if (tone === undefined || start.atMs < tone.startMs) {
      score.extra += 1;
      note(`extra ${start.digit} at ${start.atMs.toFixed(0)} ms`);
      continue;
    }
    hits[next] = (hits[next] ?? 0) + 1;
    if ((hits[next] ?? 0) > 1) {
      score.extra += 1;
      note(`second ${start.digit} in tone ${next} (${tone.digit}, ${tone.toneMs} ms) at ${start.atMs.toFixed(0)} ms`);
    } else if (start.digit !== tone.digit) {
      score.wrong += 1;
      note(`${start.digit} for ${tone.digit} at ${start.atMs.toFixed(0)} ms`);
    }
  }
  hits.forEach((count, i) => {
    if (count === 0) {
      score.missed += 1;
      const tone = plan[i];
      note(`missed ${tone?.digit} (${tone?.toneMs} ms tone, ${tone?.gapMs} ms gap) at ${tone?.startMs} ms`);
    }
  });
  if (ends.length !== starts.length) note(`${starts.length} starts but ${ends.length} ends`);
  score.accuracy = (score.played - score.missed - score.wrong - score.extra) / score.played;
  return score;
}
