/**
 * A caller acted out from a script, for the flow interpreter's unit tests: each `collect` takes
 * the next keys of the script, each `record` writes a real WAV of the scripted length, each
 * `dial` gets the scripted answer. The end-to-end tests run the same flows over real SIP calls.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Collected, CollectOptions, DialOptions, DialOutcome, PlayOutcome, Recorded, RecordOptions, Sound, VoiceChannel } from '../../src/calls/index.js';
import { wavHeader } from '../../src/media/index.js';

export type Step = { keys: string } | { silence: true } | { speak: number } | { answer: string } | { busy: true } | { hangup: true };

export class ScriptedChannel implements VoiceChannel {
  hungUp = false;
  readonly played: Sound[] = [];
  readonly dialled: string[][] = [];
  readonly #script: Step[];

  constructor(script: Step[]) {
    this.#script = [...script];
  }

  /** Everything spoken by text-to-speech, in order. */
  get spoken(): string[] {
    return this.played.flatMap((s) => (s.kind === 'speech' ? [s.text] : []));
  }

  get remaining(): number {
    return this.#script.length;
  }

  private next(): Step | undefined {
    const step = this.#script.shift();
    if (step === undefined || 'hangup' in step) this.hungUp = true;
    return step;
  }

  async play(sounds: readonly Sound[]): Promise<PlayOutcome> {
    if (!this.hungUp) this.played.push(...sounds);
    return { hungUp: this.hungUp };
  }

  async collect(options: CollectOptions): Promise<Collected> {
    if (this.hungUp) return { digits: '', ended: 'hangup' };
    const step = this.next();
    if (step === undefined || this.hungUp) return { digits: '', ended: 'hangup' };
    if (!('keys' in step)) return { digits: '', ended: 'timeout' };
    const end = options.terminator === undefined ? -1 : step.keys.indexOf(options.terminator);
    const digits = (end >= 0 ? step.keys.slice(0, end) : step.keys).slice(0, options.maxDigits);
    return { digits, ended: end >= 0 ? 'terminator' : digits.length >= options.maxDigits ? 'max' : 'timeout' };
  }

  clearDigits(): void {}

  async record(options: RecordOptions): Promise<Recorded | undefined> {
    if (this.hungUp) return undefined;
    const step = this.next();
    const seconds = step !== undefined && 'speak' in step ? step.speak : 0;
    const samples = new Int16Array(seconds * 8000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    const bytes = Buffer.concat([wavHeader(1, 8000, samples.byteLength), Buffer.from(samples.buffer)]);
    writeFileSync(options.path, bytes);
    return {
      path: options.path,
      durationMs: seconds * 1000,
      sizeBytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ended: 'silence',
    };
  }

  async dial(options: DialOptions): Promise<DialOutcome> {
    this.dialled.push(options.targets);
    const step = this.next();
    if (step !== undefined && 'answer' in step) return { answered: true, target: step.answer };
    return { answered: false, reason: this.hungUp ? 'hangup' : 'no-answer' };
  }

  async hangup(): Promise<void> {
    this.hungUp = true;
  }
}
