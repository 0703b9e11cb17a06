/**
 * Records a call as a 16-bit PCM WAV file: mixed mono, or stereo with one party per channel.
 * Audio is written at least once a second with the header's sizes brought up to date, so the
 * file on disk is a valid WAV at every moment: if the process dies, what was recorded up to the
 * last second plays. Pause, resume, a maximum length, and ending on silence (voicemail).
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { wavHeader, wavHeaderBytes } from './wav-header.js';

export interface RecorderOptions {
  /** 1: the parties mixed into one channel; 2: the first party left, the second right. */
  channels: 1 | 2;
  sampleRate: number;
  /** Stop by itself after this much audio. */
  maxDurationMs?: number;
  /** Stop after this long a stretch of silence (below `thresholdDbfs`), once something was heard. */
  endOnSilence?: { afterMs: number; thresholdDbfs: number };
  /** How often buffered audio and the header reach the file; at most 1000 ms. */
  flushEveryMs?: number;
}

export type StopReason = 'stopped' | 'max-length' | 'silence';

export interface Recording {
  path: string;
  durationMs: number;
  bytes: number;
  sha256: string;
  reason: StopReason;
}

export type RecorderState = 'recording' | 'paused' | 'ended';

export class WavRecorder {
  #state: RecorderState = 'recording';
  #fd: number;
  #dataBytes = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #silentMs = 0;
  #heard = false;
  #reason: StopReason = 'stopped';
  readonly #flushBytes: number;

  constructor(
    readonly path: string,
    private readonly options: RecorderOptions,
  ) {
    this.#fd = openSync(path, 'w');
    writeSync(this.#fd, wavHeader(options.channels, options.sampleRate, 0), 0, wavHeaderBytes, 0);
    const flushMs = Math.min(1000, options.flushEveryMs ?? 1000);
    this.#flushBytes = Math.max(1, Math.floor((options.sampleRate * flushMs) / 1000)) * options.channels * 2;
  }

  get state(): RecorderState {
    return this.#state;
  }

  get durationMs(): number {
    return ((this.#dataBytes + this.#pendingBytes) / (this.options.channels * 2) / this.options.sampleRate) * 1000;
  }

  /**
   * Adds one frame per party (linear 16-bit samples, all the same length). Returns false once the
   * recorder has ended (by stop, maximum length or silence): the caller stops feeding it.
   */
  write(parties: Int16Array[]): boolean {
    if (this.#state === 'ended') return false;
    if (this.#state === 'paused') return true;
    const samples = parties[0]?.length ?? 0;
    const block = this.options.channels * 2;
    const frame = Buffer.alloc(samples * block);
    let energy = 0;
    for (let i = 0; i < samples; i++) {
      const a = parties[0]?.[i] ?? 0;
      const b = parties[1]?.[i] ?? 0;
      if (this.options.channels === 2) {
        frame.writeInt16LE(a, i * 4);
        frame.writeInt16LE(b, i * 4 + 2);
      } else {
        let mixed = 0;
        for (const party of parties) mixed += party[i] ?? 0;
        frame.writeInt16LE(Math.max(-32768, Math.min(32767, mixed)), i * 2);
      }
      energy += a * a + b * b;
    }
    this.#pending.push(frame);
    this.#pendingBytes += frame.length;
    if (this.#pendingBytes >= this.#flushBytes) this.flush();

    const frameMs = (samples / this.options.sampleRate) * 1000;
    if (this.options.endOnSilence !== undefined && samples > 0) {
      const rms = Math.sqrt(energy / (samples * parties.length));
      const dbfs = 20 * Math.log10(Math.max(rms, 1) / 32768);
      if (dbfs >= this.options.endOnSilence.thresholdDbfs) {
        this.#heard = true;
        this.#silentMs = 0;
      } else if (this.#heard) {
        this.#silentMs += frameMs;
        if (this.#silentMs >= this.options.endOnSilence.afterMs) return this.end('silence');
      }
    }
    if (this.options.maxDurationMs !== undefined && this.durationMs >= this.options.maxDurationMs) return this.end('max-length');
    return true;
  }

  /** Audio written while paused is left out (e.g. while a caller keys in a card number). */
  pause(): void {
    if (this.#state === 'recording') this.#state = 'paused';
  }

  resume(): void {
    if (this.#state === 'paused') this.#state = 'recording';
  }

  /** Ends the recording (idempotent) and returns what was kept, with its SHA-256. */
  async stop(): Promise<Recording> {
    if (this.#state !== 'ended') this.end('stopped');
    const sha256 = await new Promise<string>((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream(this.path)
        .on('data', (chunk) => hash.update(chunk))
        .on('end', () => resolve(hash.digest('hex')))
        .on('error', reject);
    });
    const durationMs = Math.round((this.#dataBytes / (this.options.channels * 2) / this.options.sampleRate) * 1000);
    return { path: this.path, durationMs, bytes: wavHeaderBytes + this.#dataBytes, sha256, reason: this.#reason };
  }

  private end(reason: StopReason): false {
    this.flush();
    closeSync(this.#fd);
    this.#state = 'ended';
    this.#reason = reason;
    return false;
  }

  /** Appends the buffered audio, then rewrites the header's sizes: the file is valid after each flush. */
  private flush(): void {
    if (this.#pendingBytes === 0) return;
    const data = Buffer.concat(this.#pending, this.#pendingBytes);
    writeSync(this.#fd, data, 0, data.length, wavHeaderBytes + this.#dataBytes);
    this.#dataBytes += data.length;
    this.#pending = [];
    this.#pendingBytes = 0;
    const header = wavHeader(this.options.channels, this.options.sampleRate, this.#dataBytes);
    writeSync(this.#fd, header, 0, wavHeaderBytes, 0);
  }
}
