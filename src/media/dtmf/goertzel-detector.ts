/**
 * In-band DTMF detection for peers that send their digits as audio: a Goertzel filter on each
 * of the eight DTMF frequencies (ITU-T Q.23) over blocks of 16-bit linear PCM at 8 kHz, with the
 * checks of ITU-T Q.24 style receivers (as in Bellcore GR-181 and spandsp): a level floor per
 * tone, normal and reverse twist, the other tones of each group well below the peak, the two
 * tones holding most of the block's energy, a minimum tone duration and a minimum gap, so that one
 * keypress is one digit and speech is not taken for digits.
 *
 * Time is the count of samples fed: nothing here reads a clock.
 */
import type { DtmfDigit, DtmfNotice } from './dtmf-digit.js';

/** ITU-T Q.23: the low (row) and high (column) group frequencies and the keypad they span. */
const ROW_HZ = [697, 770, 852, 941] as const;
const COLUMN_HZ = [1209, 1336, 1477, 1633] as const;
const KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

/**
 * 0 dBm0 as a 16-bit sine's amplitude: G.711 µ-law overloads at +3.17 dBm0 (ITU-T G.711),
 * which is full scale here (32,636 after the ×4 from 14 bits).
 */
const ZERO_DBM0_AMPLITUDE = 32636 / 10 ** (3.17 / 20);

/** Clean blocks a digit needs: a 40 ms tone always covers two whole 12.75 ms blocks. */
const CLEAN_BLOCKS_TO_CONFIRM = 2;

interface BlockHit {
  digit: DtmfDigit;
  clean: boolean;
}

export interface GoertzelDetectorOptions {
  sampleRate?: number;
  /** Samples per analysis block (default 102: 12.75 ms at 8 kHz, ~78 Hz resolution). */
  blockSize?: number;
  /** Each tone must be at least this loud (default −36 dBm0). */
  minToneLevelDbm0?: number;
  /** Normal twist: the high tone may be this much weaker than the low one (default 8 dB). */
  normalTwistDb?: number;
  /** Reverse twist: the high tone may be this much stronger than the low one (default 4 dB). */
  reverseTwistDb?: number;
  /** The other three tones of each group must be this far below the group's peak (default 8 dB). */
  relativePeakDb?: number;
  /** Share of the block's energy the two tones must hold (default 0.6). */
  minToneEnergyShare?: number;
  /**
   * Share a block must reach to count as a clean tone (default 0.8). A digit needs two such
   * blocks before it counts: a tone with noise 20 dB down holds ~98 % of the energy (~84 % when
   * it is 1.5 % off frequency), while voiced speech that happens to peak on two DTMF frequencies
   * held 60–77 % in our talk-off runs. Blocks between the two shares only extend a digit or fill
   * its minimum duration (the partly covered edge blocks).
   */
  cleanToneEnergyShare?: number;
  /**
   * A digit counts once its tones held this long, in whole blocks, two of them clean (default
   * 25 ms: two blocks). So a tone of 40 ms or more always counts, as it covers two whole blocks
   * wherever it falls, and one of 20 ms never does (no two blocks are 80 % covered): ITU-T Q.24's
   * operate and non-operate durations for most administrations.
   */
  minToneMs?: number;
  /**
   * A digit ends, and the next may begin, after this long without it, in whole blocks (default
   * 38 ms: three blocks). A pause of 40 ms always spoils three blocks and ends a digit; a drop-out
   * of 10 ms inside a tone touches at most two blocks and never does.
   */
  minGapMs?: number;
}

type DetectorState =
  | { name: 'silent' }
  | { name: 'candidate'; digit: DtmfDigit; blocks: number; cleanBlocks: number; firstBlock: number }
  | { name: 'tone'; digit: DtmfDigit; firstBlock: number; lastHitBlock: number; misses: number };

export class GoertzelDetector {
  readonly blockSize: number;
  readonly blockMs: number;
  private readonly coefficients: Float64Array;
  private readonly minTonePower: number;
  private readonly normalTwist: number;
  private readonly reverseTwist: number;
  private readonly relativePeak: number;
  private readonly minEnergyShare: number;
  private readonly cleanEnergyShare: number;
  private readonly minToneBlocks: number;
  private readonly minGapBlocks: number;
  // Goertzel state of the block in progress: s[n-1] and s[n-2] per frequency, energy, fill.
  private readonly s1 = new Float64Array(8);
  private readonly s2 = new Float64Array(8);
  private energy = 0;
  private filled = 0;
  private blockIndex = 0;
  private state: DetectorState = { name: 'silent' };

  constructor(options: GoertzelDetectorOptions = {}) {
    const sampleRate = options.sampleRate ?? 8000;
    this.blockSize = options.blockSize ?? 102;
    this.blockMs = (this.blockSize * 1000) / sampleRate;
    // The exact frequency, not the nearest bin: 2·cos(2πf/fs) for each of the eight tones.
    this.coefficients = Float64Array.from([...ROW_HZ, ...COLUMN_HZ], (hz) => 2 * Math.cos((2 * Math.PI * hz) / sampleRate));
    const amplitude = ZERO_DBM0_AMPLITUDE * 10 ** ((options.minToneLevelDbm0 ?? -36) / 20);
    this.minTonePower = (amplitude * amplitude) / 2;
    this.normalTwist = 10 ** ((options.normalTwistDb ?? 8) / 10);
    this.reverseTwist = 10 ** ((options.reverseTwistDb ?? 4) / 10);
    this.relativePeak = 10 ** ((options.relativePeakDb ?? 8) / 10);
    this.minEnergyShare = options.minToneEnergyShare ?? 0.6;
    this.cleanEnergyShare = options.cleanToneEnergyShare ?? 0.8;
    this.minToneBlocks = Math.max(CLEAN_BLOCKS_TO_CONFIRM, Math.round((options.minToneMs ?? 25) / this.blockMs));
    this.minGapBlocks = Math.max(1, Math.round((options.minGapMs ?? 38) / this.blockMs));
  }

  /** Feeds samples (any count, e.g. one 20 ms frame); returns digits started or ended. */
  process(samples: Int16Array): DtmfNotice[] {
    const notices: DtmfNotice[] = [];
    let i = 0;
    while (i < samples.length) {
      const end = Math.min(samples.length, i + this.blockSize - this.filled);
      this.run(samples, i, end);
      this.filled += end - i;
      i = end;
      if (this.filled === this.blockSize) {
        const notice = this.step(this.classifyBlock());
        if (notice !== undefined) notices.push(notice);
        this.s1.fill(0);
        this.s2.fill(0);
        this.energy = 0;
        this.filled = 0;
        this.blockIndex += 1;
      }
    }
    return notices;
  }

  /**
   * The Goertzel recurrence s[n] = x[n] + c·s[n−1] − s[n−2] for the eight tones over
   * samples[from, to), with the state in local variables (this loop is the detector's cost).
   */
  private run(samples: Int16Array, from: number, to: number): void {
    const { s1, s2 } = this;
    const c = this.coefficients;
    const [c0, c1, c2, c3, c4, c5, c6, c7] = [c[0] ?? 0, c[1] ?? 0, c[2] ?? 0, c[3] ?? 0, c[4] ?? 0, c[5] ?? 0, c[6] ?? 0, c[7] ?? 0];
    let [a0, a1, a2, a3, a4, a5, a6, a7] = [s1[0] ?? 0, s1[1] ?? 0, s1[2] ?? 0, s1[3] ?? 0, s1[4] ?? 0, s1[5] ?? 0, s1[6] ?? 0, s1[7] ?? 0];
    let [b0, b1, b2, b3, b4, b5, b6, b7] = [s2[0] ?? 0, s2[1] ?? 0, s2[2] ?? 0, s2[3] ?? 0, s2[4] ?? 0, s2[5] ?? 0, s2[6] ?? 0, s2[7] ?? 0];
    let energy = this.energy;
    for (let i = from; i < to; i += 1) {
      const x = samples[i] ?? 0;
      energy += x * x;
      let t = x + c0 * a0 - b0;
      b0 = a0;
      a0 = t;
      t = x + c1 * a1 - b1;
      b1 = a1;
      a1 = t;
      t = x + c2 * a2 - b2;
      b2 = a2;
      a2 = t;
      t = x + c3 * a3 - b3;
      b3 = a3;
      a3 = t;
      t = x + c4 * a4 - b4;
      b4 = a4;
      a4 = t;
      t = x + c5 * a5 - b5;
      b5 = a5;
      a5 = t;
      t = x + c6 * a6 - b6;
      b6 = a6;
      a6 = t;
      t = x + c7 * a7 - b7;
      b7 = a7;
      a7 = t;
    }
    s1.set([a0, a1, a2, a3, a4, a5, a6, a7]);
    s2.set([b0, b1, b2, b3, b4, b5, b6, b7]);
    this.energy = energy;
  }

  /** End of the stream: ends a digit still sounding. */
  flush(): DtmfNotice[] {
    const state = this.state;
    this.state = { name: 'silent' };
    return state.name === 'tone' ? [this.endNotice(state)] : [];
  }

  /** The digit this block holds and whether it is clean, or undefined when any check fails. */
  private classifyBlock(): BlockHit | undefined {
    const n = this.blockSize;
    const power = new Float64Array(8);
    for (let k = 0; k < 8; k += 1) {
      const a = this.s1[k] ?? 0;
      const b = this.s2[k] ?? 0;
      // |X|² = s1² + s2² − c·s1·s2; scaled so that a sine of amplitude A reads A²/2.
      power[k] = (2 * (a * a + b * b - (this.coefficients[k] ?? 0) * a * b)) / (n * n);
    }
    const row = peakOf(power, 0);
    const column = peakOf(power, 4);
    const rowPower = power[row] ?? 0;
    const columnPower = power[4 + column] ?? 0;
    // Level: each tone above the floor.
    if (rowPower < this.minTonePower || columnPower < this.minTonePower) return undefined;
    // Twist: normal (high tone weaker) up to normalTwist, reverse (high tone stronger) up to reverseTwist.
    if (columnPower * this.normalTwist < rowPower || columnPower > rowPower * this.reverseTwist) return undefined;
    // Relative peak: every other tone of each group well below that group's peak.
    for (let k = 0; k < 4; k += 1) {
      if (k !== row && (power[k] ?? 0) * this.relativePeak > rowPower) return undefined;
      if (k !== column && (power[4 + k] ?? 0) * this.relativePeak > columnPower) return undefined;
    }
    // Energy: the two tones hold most of the block's power (speech and noise spread theirs).
    const share = (rowPower + columnPower) / (this.energy / n);
    const digit = KEYPAD[row]?.[column];
    if (share < this.minEnergyShare || digit === undefined) return undefined;
    return { digit, clean: share >= this.cleanEnergyShare };
  }

  /** The transition function of the duration and gap rules, one block at a time. */
  private step(hit: BlockHit | undefined): DtmfNotice | undefined {
    const state = this.state;
    const block = this.blockIndex;
    switch (state.name) {
      case 'silent':
        if (hit !== undefined) return this.enterCandidate(hit, block);
        return undefined;
      case 'candidate':
        if (hit?.digit === state.digit) {
          state.blocks += 1;
          if (hit.clean) state.cleanBlocks += 1;
          return this.confirmIfLongEnough(state);
        }
        this.state = { name: 'silent' };
        return hit === undefined ? undefined : this.enterCandidate(hit, block);
      case 'tone':
        if (hit?.digit === state.digit) {
          // A short drop-out inside the tone does not split the keypress.
          state.lastHitBlock = block;
          state.misses = 0;
          return undefined;
        }
        state.misses += 1;
        if (state.misses < this.minGapBlocks) return undefined;
        // The gap is long enough: the keypress is over. Another digit must then start afresh.
        this.state = { name: 'silent' };
        return this.endNotice(state);
      default:
        return assertNever(state);
    }
  }

  private enterCandidate(hit: BlockHit, block: number): DtmfNotice | undefined {
    const candidate = { name: 'candidate' as const, digit: hit.digit, blocks: 1, cleanBlocks: hit.clean ? 1 : 0, firstBlock: block };
    this.state = candidate;
    return this.confirmIfLongEnough(candidate);
  }

  private confirmIfLongEnough(candidate: { digit: DtmfDigit; blocks: number; cleanBlocks: number; firstBlock: number }): DtmfNotice | undefined {
    if (candidate.blocks < this.minToneBlocks || candidate.cleanBlocks < CLEAN_BLOCKS_TO_CONFIRM) return undefined;
    this.state = { name: 'tone', digit: candidate.digit, firstBlock: candidate.firstBlock, lastHitBlock: this.blockIndex, misses: 0 };
    return { kind: 'digit-start', digit: candidate.digit, atMs: this.blockEndMs(this.blockIndex) };
  }

  private endNotice(state: { digit: DtmfDigit; firstBlock: number; lastHitBlock: number }): DtmfNotice {
    const durationMs = (state.lastHitBlock - state.firstBlock + 1) * this.blockMs;
    return { kind: 'digit-end', digit: state.digit, durationMs, atMs: this.blockEndMs(this.blockIndex), ending: 'tone-stopped' };
  }

  private blockEndMs(block: number): number {
    return (block + 1) * this.blockMs;
  }
}

function peakOf(power: Float64Array, from: number): number {
  let best = 0;
  for (let k = 1; k < 4; k += 1) if ((power[from + k] ?? 0) > (power[from + best] ?? 0)) best = k;
  return best;
}

function assertNever(state: never): never {
  throw new Error(`unknown DTMF detector state ${JSON.stringify(state)}`);
}
