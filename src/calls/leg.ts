/**
 * A Leg joins one SIP dialog and one media session: what an application does with an answered
 * call (play, collect keys, record, hang up) becomes media engine commands, and what the caller
 * does (keys, hanging up, silence) comes back as the leg's state. Every verb settles when the
 * caller hangs up, so a flow never waits on a call that is gone.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { MediaEngine, PlayerEnd, PlayItem, Recording } from '../media/index.js';
import type { HangupCause, HangupSide } from './hangup-cause.js';
import type { AnsweredLeg } from './inbound.js';
import type { Collected, CollectOptions, DialOptions, DialOutcome, LegEnd, PlayOutcome, Recorded, RecordOptions, Sound } from './voice-channel.js';

/** What a leg needs to end its SIP side; the call service gives it the dialog's BYE. */
/** The SIP dialog of a leg: its Call-ID, Kefu's tag and the caller's, and the caller's From. */
export interface LegDialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  remoteParty: string;
}

export interface LegSignalling {
  /** A BYE saying why (RFC 3326 Reason). */
  bye(cause: HangupCause): Promise<void>;
  /**
   * RFC 3264 §8: a new offer to the caller in a re-INVITE, our audio `sendonly` to hold them
   * (§8.4) or `sendrecv` to resume; resolves true when they accepted it.
   */
  reoffer?(direction: 'sendonly' | 'sendrecv'): Promise<boolean>;
  /** Places an outbound call for `dial`; absent where nothing can be dialled yet. */
  dial?(leg: Leg, options: DialOptions): Promise<DialOutcome>;
}

/** The silence level below which a recording counts as silent (voicemail ends on it). */
const SILENCE_DBFS = -45;

export class Leg implements AnsweredLeg {
  readonly answeredAt = new Date();
  readonly ended: Promise<LegEnd>;
  #end!: (end: LegEnd) => void;
  #hungUp = false;
  readonly #digits: string[] = [];
  #digitWaiter: (() => void) | undefined;
  #played: ((how: 'finished' | 'stopped' | 'interrupted') => void) | undefined;
  /** Whether the prompt playing now may be interrupted by a key. */
  #bargeIn = false;
  #recorded: ((recording: Recording) => void) | undefined;

  constructor(
    /** Kefu's id of the call this leg belongs to (shared with its other legs' CDRs). */
    readonly callId: string,
    /** The caller's dialog with Kefu, as a REFER's Replaces names it (RFC 3891 §3). */
    readonly dialog: LegDialog,
    readonly session: string,
    private readonly engine: MediaEngine,
    private readonly signalling: LegSignalling,
  ) {
    this.ended = new Promise((resolve) => (this.#end = resolve));
  }

  /** The media engine's `played` event for this leg's session (the call service routes it here). */
  played(end: PlayerEnd): void {
    this.#played?.(end);
  }

  /** The media engine's `recorded` event for this leg's session. */
  recorded(recording: Recording): void {
    this.#recorded?.(recording);
  }

  get sipCallId(): string {
    return this.dialog.callId;
  }

  get hungUp(): boolean {
    return this.#hungUp;
  }

  /**
   * A key from the caller: RFC 4733 or in-band through the media engine, or SIP INFO (RFC 6086).
   * It stops a prompt that may be interrupted (the worker stops it at the key's start when it can;
   * this covers keys whose start it did not see, and keys that came by INFO).
   */
  pressed(digit: string): void {
    this.#digits.push(digit);
    this.#digitWaiter?.();
    if (this.#bargeIn && this.#played !== undefined) void this.engine.stopPlaying(this.session).catch(() => null);
  }

  async play(sounds: readonly Sound[], options: { bargeIn: boolean }): Promise<PlayOutcome> {
    if (this.#hungUp) return { hungUp: true };
    if (options.bargeIn && this.#digits.length > 0) return { key: this.#digits[0]!, hungUp: false };
    const items = sounds.map(playItem);
    if (items.length === 0) return { hungUp: false };
    const done = new Promise<'finished' | 'stopped' | 'interrupted'>((resolve) => (this.#played = resolve));
    this.#bargeIn = options.bargeIn;
    try {
      await this.engine.play(this.session, items, { interruptible: options.bargeIn });
      // A key that came while the worker prepared the audio (speech takes a moment) found
      // nothing to interrupt: it stops the prompt now.
      if (options.bargeIn && this.#digits.length > 0) await this.engine.stopPlaying(this.session);
    } catch (error) {
      this.#played = undefined;
      this.#bargeIn = false;
      if (this.#hungUp) return { hungUp: true };
      throw error;
    }
    const how = await done;
    this.#played = undefined;
    this.#bargeIn = false;
    if (this.#hungUp) return { hungUp: true };
    return how !== 'finished' && this.#digits.length > 0 ? { key: this.#digits[0]!, hungUp: false } : { hungUp: false };
  }

  async collect(options: CollectOptions): Promise<Collected> {
    let digits = '';
    let first = true;
    while (!this.#hungUp) {
      const digit = this.#digits.shift() ?? (await this.nextDigit(first ? options.timeoutMs : options.interDigitTimeoutMs));
      if (this.#hungUp) break;
      if (digit === undefined) return { digits, ended: 'timeout' };
      first = false;
      if (digit === options.terminator) return { digits, ended: 'terminator' };
      digits += digit;
      if (digits.length >= options.maxDigits) return { digits, ended: 'max' };
    }
    return { digits, ended: 'hangup' };
  }

  clearDigits(): void {
    this.#digits.length = 0;
  }

  async record(options: RecordOptions): Promise<Recorded | undefined> {
    if (this.#hungUp) return undefined;
    const done = new Promise<Recording>((resolve) => (this.#recorded = resolve));
    await this.engine.record(this.session, {
      path: options.path,
      channels: 1,
      maxDurationMs: options.maxSeconds * 1000,
      endOnSilence: { afterMs: options.silenceSeconds * 1000, thresholdDbfs: SILENCE_DBFS },
    });
    // The recorder ends itself on silence or at its maximum; the finish key or the hang-up ends it here.
    let recording: Recording | null | undefined;
    let ended: Recorded['ended'] | undefined;
    while (ended === undefined) {
      const next = await Promise.race([done, this.nextDigit(undefined)]);
      if (typeof next === 'object') {
        recording = next;
        ended = next.reason === 'silence' ? 'silence' : next.reason === 'max-length' ? 'max' : 'key';
      } else if (this.#hungUp) {
        // finish() stops the recorder and hands its recording over.
        ended = 'hangup';
        recording = await Promise.race([done, delay(2000).then(() => null)]);
      } else if (next === options.finishKey) {
        ended = 'key';
        recording = await this.engine.stopRecording(this.session).catch(() => null);
      }
    }
    this.#recorded = undefined;
    this.#digits.length = 0;
    if (recording === null || recording === undefined) return undefined;
    return { path: recording.path, durationMs: recording.durationMs, sizeBytes: recording.bytes, sha256: recording.sha256, ended };
  }

  async dial(options: DialOptions): Promise<DialOutcome> {
    if (this.#hungUp) return { answered: false, reason: 'hangup' };
    if (this.signalling.dial === undefined) return { answered: false, reason: 'failed' };
    return this.signalling.dial(this, options);
  }

  /** Connects the caller's audio (and keys, as RFC 4733) to another session of the same worker. */
  async bridge(other: string): Promise<void> {
    await this.engine.stopPlaying(this.session).catch(() => null);
    await this.engine.bridge(this.session, other);
  }

  /** Re-offers the caller's media with our audio `sendonly` (hold) or `sendrecv` (resume). */
  async reoffer(direction: 'sendonly' | 'sendrecv'): Promise<boolean> {
    if (this.#hungUp || this.signalling.reoffer === undefined) return false;
    return this.signalling.reoffer(direction);
  }

  async unbridge(): Promise<void> {
    await this.engine.unbridge(this.session).catch(() => null);
  }

  /** Kefu ends the call (the flow is done, a supervisor, no RTP): BYE with the cause. */
  async hangup(cause: HangupCause = 'normal_clearing', by: HangupSide = 'kefu'): Promise<void> {
    if (this.#hungUp) return;
    await this.finish(cause, by);
    await this.signalling.bye(cause).catch(() => undefined);
  }

  async stopPlaying(): Promise<void> {
    await this.engine.stopPlaying(this.session).catch(() => null);
  }

  /** Plays ringback (or hold music) in a loop while something else happens; `stopTone` ends it. */
  async startTone(tone: 'ringback' | 'hold'): Promise<void> {
    if (this.#hungUp) return;
    await this.engine.play(this.session, [{ kind: 'tone', tone, language: 'zh-CN' }], { loop: true, interruptible: false });
  }

  async stopTone(): Promise<void> {
    await this.engine.stopPlaying(this.session).catch(() => null);
  }

  /** The call is over: the caller's BYE, our own, or media gone silent. Idempotent. */
  async finish(cause: HangupCause, by: HangupSide): Promise<void> {
    if (this.#hungUp) return;
    this.#hungUp = true;
    // A recording in progress is closed before the session goes, so what was said is kept.
    const recording = await this.engine.stopRecording(this.session).catch(() => null);
    if (recording !== null) this.#recorded?.(recording);
    this.#digitWaiter?.();
    this.#played?.('stopped');
    await this.engine.destroy(this.session).catch(() => null);
    this.#end({ at: new Date(), cause, by });
  }

  /** The next key within `timeoutMs` (forever when undefined); undefined on time-out or hang-up. */
  private nextDigit(timeoutMs: number | undefined): Promise<string | undefined> {
    if (this.#digits.length > 0) return Promise.resolve(this.#digits.shift());
    if (this.#hungUp) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(), timeoutMs);
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer);
        this.#digitWaiter = undefined;
        resolve(this.#digits.shift());
      };
      this.#digitWaiter = settle;
    });
  }
}

export function playItem(sound: Sound): PlayItem {
  switch (sound.kind) {
    case 'file':
      return { kind: 'file', path: sound.path };
    case 'speech':
      return { kind: 'speech', text: sound.text, language: sound.language };
    case 'tone':
      return { kind: 'tone', tone: sound.tone, language: 'zh-CN' };
    case 'silence':
      return { kind: 'silence', ms: sound.ms };
  }
}

