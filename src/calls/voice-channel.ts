/**
 * What an application can do with one answered call leg: the verbs of an IVR. A `Leg` offers it
 * over a SIP dialog and a media session; flows are written against it and nothing lower.
 * Every verb resolves (never rejects) when the caller hangs up, with `hungUp` set, so that
 * a flow ends cleanly wherever the caller leaves it.
 */
import type { HangupCause, HangupSide } from './hangup-cause.js';

export type SpeechLanguage = 'zh-CN' | 'en';

export type ToneName = 'ringback' | 'busy' | 'beep' | 'hold';

/** One thing to play: a prompt file, text spoken by text-to-speech, a tone or silence. */
export type Sound =
  | { kind: 'file'; path: string }
  | { kind: 'speech'; text: string; language: SpeechLanguage }
  | { kind: 'tone'; tone: ToneName; ms?: number }
  | { kind: 'silence'; ms: number };

export interface PlayOutcome {
  /** The key that stopped the playing (barge-in); it is also left in the digit buffer. */
  key?: string;
  hungUp: boolean;
}

export interface CollectOptions {
  maxDigits: number;
  /** How long to wait for the first key. */
  timeoutMs: number;
  /** How long to wait for each further key. */
  interDigitTimeoutMs: number;
  /** A key that ends the input (not included in the digits). */
  terminator?: string;
}

export interface Collected {
  digits: string;
  ended: 'terminator' | 'max' | 'timeout' | 'hangup';
}

export interface RecordOptions {
  maxSeconds: number;
  /** End after this much silence. */
  silenceSeconds: number;
  /** A key that ends the recording. */
  finishKey?: string;
  /** Where the WAV goes (absolute path). */
  path: string;
}

export interface Recorded {
  path: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  ended: 'silence' | 'max' | 'key' | 'hangup';
}

export interface DialOptions {
  /** Numbers or extensions, tried in order. */
  targets: string[];
  timeoutMs: number;
  callerId: 'caller' | 'tenant';
  /** Whether the caller hears ringback (or the far end's early media) meanwhile; default true. */
  ringback?: boolean;
  /** Settles when ringing must stop (the offer was withdrawn); the dial then fails `cancelled`. */
  cancel?: Promise<unknown>;
  /**
   * The first INVITE waits for this (an agent's reservation being stored, issue 6), while what it
   * needs — the target's phones, a media session — is made ready beside it; false gives the dial
   * up, `cancelled`, before any phone rings.
   */
  ready?: Promise<boolean>;
  /**
   * Told when `target` answered, before the caller is connected; false releases the phone that
   * answered (the offer was taken by someone else meanwhile) and the dial fails `cancelled`.
   */
  onAnswer?(target: string): boolean | Promise<boolean>;
  /**
   * Screens whoever answers before `onAnswer` ("press 1 to accept", for a party on an outside
   * number whose voicemail may answer): without the key in time, the party is hung up and the
   * target counts as not answered (`no-answer`).
   */
  confirm?: AnswerConfirmation;
  /**
   * Told each time a transfer moved the caller on to another party (Kefu's blind or consult
   * transfer, or the party's phone's REFER): `to` is the target now connected. The dial still
   * resolves only when the caller or the last party leaves.
   */
  onTransfer?(transfer: CallTransfer): void;
}

/** What the party who answered hears, and the key that accepts within `timeoutMs` of answering. */
export interface AnswerConfirmation {
  prompt: Sound[];
  key: string;
  timeoutMs: number;
}

/** A transfer that connected the caller to `to`: straight away (`blind`) or after the party consulted it. */
export interface CallTransfer {
  to: string;
  mode: 'blind' | 'consult';
}

export type DialOutcome =
  | { answered: true; target: string }
  /** `cause`: why the phones rung did not answer, when they were rung and the caller still waited. */
  | { answered: false; reason: 'no-answer' | 'busy' | 'failed' | 'hangup' | 'cancelled'; cause?: HangupCause };

export interface LegEnd {
  at: Date;
  cause: HangupCause;
  /** Which side ended the leg. */
  by: HangupSide;
}

export interface VoiceChannel {
  readonly hungUp: boolean;
  /** Settles once when the call is over, for whatever reason. */
  readonly ended: Promise<LegEnd>;
  /**
   * Plays the sounds in order. With `bargeIn`, a key stops them, and a key already typed ahead
   * skips them (the caller who knows the menu need not wait).
   */
  play(sounds: readonly Sound[], options: { bargeIn: boolean }): Promise<PlayOutcome>;
  /** Stops what is playing now: the `play` in progress resolves (an agent answered meanwhile). */
  stopPlaying(): Promise<void>;
  /** Takes keys (starting with any typed ahead during a barge-in prompt). */
  collect(options: CollectOptions): Promise<Collected>;
  /** Forgets keys typed ahead. */
  clearDigits(): void;
  record(options: RecordOptions): Promise<Recorded | undefined>;
  /** Connects the caller to the first target that answers; resolves when that call ends. */
  dial(options: DialOptions): Promise<DialOutcome>;
  hangup(): Promise<void>;
}
