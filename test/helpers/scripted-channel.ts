/**
 * A caller acted out from a script, for the flow interpreter's unit tests: each `collect` takes
 * the next keys of the script, each `record` writes a real WAV of the scripted length, each
 * `dial` gets the scripted answer. The end-to-end tests run the same flows over real SIP calls.
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { AnsweredLeg, Collected, CollectOptions, DialOptions, DialOutcome, LegEnd, PlayOutcome, Recorded, RecordOptions, Sound } from '../../src/calls/index.js';
import { wavHeader } from '../../src/media/index.js';

export type Step = { keys: string } | { silence: true } | { speak: number } | { answer: string } | { busy: true } | { hangup: true };

export class ScriptedChannel implements AnsweredLeg {
  hungUp = false;
  readonly played: Sound[] = [];
  readonly dialled: string[][] = [];
  readonly answeredAt = new Date();
  readonly callId = randomUUID();
  readonly ended: Promise<LegEnd>;
  readonly #script: Step[];
  #end!: (end: LegEnd) => void;

  constructor(
    script: Step[],
    readonly sipCallId = `scripted-${Math.random().toString(36).slice(2)}`,
  ) {
    this.#script = [...script];
    this.ended = new Promise((resolve) => (this.#end = resolve));
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
    if (!this.hungUp && (step === undefined || 'hangup' in step)) {
      this.hungUp = true;
      this.#end({ at: new Date(), cause: 'normal_clearing', by: 'caller' });
    }
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

  async stopPlaying(): Promise<void> {}

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
    // As the dialler: no phone rings before `ready` (an agent's reservation stored).
    if (options.ready !== undefined && !(await options.ready)) return { answered: false, reason: 'cancelled' };
    this.dialled.push(options.targets);
    const step = this.next();
    if (step !== undefined && 'answer' in step) return { answered: true, target: step.answer };
    return { answered: false, reason: this.hungUp ? 'hangup' : 'no-answer' };
  }

  async hangup(): Promise<void> {
    if (this.hungUp) return;
    this.hungUp = true;
    this.#end({ at: new Date(), cause: 'normal_clearing', by: 'kefu' });
  }
}
