/**
 * What the owner and a media worker say to each other: commands with an id and a reply to each,
 * and events the worker raises on its own. Plain data only, so that it crosses `postMessage`.
 */
import type { G711Law } from '../codecs/g711.js';
import type { DtmfDigit } from '../dtmf/dtmf-digit.js';
import type { MediaErrorData } from '../media-errors.js';
import type { MixerMode } from '../mixer/mixer.js';
import type { PlayerEnd, PlayOptions } from '../player/player.js';
import type { Language } from '../player/readback.js';
import type { ToneName } from '../player/tones.js';
import type { Recording } from '../recorder/wav-recorder.js';
import type { DtmfSendOptions } from '../session/dtmf-sender.js';
import type { RemoteEndpoint } from '../session/rtp-session.js';
import type { WebRtcLocal, WebRtcRemote } from '../webrtc/webrtc-port.js';

/** The peer of a session: where its RTP goes and, for a WebRTC port, its ICE and DTLS parameters. */
export type MediaRemote = RemoteEndpoint & { webrtc?: WebRtcRemote };

/** What a WebRTC session's SDP must say of it: ICE credentials, DTLS fingerprint, its SSRC. */
export type WebRtcIdentity = WebRtcLocal & { ssrc: number };

/** One thing to play; items of a sequence follow each other without a gap. */
export type PlayItem =
  | { kind: 'file'; path: string }
  | { kind: 'tone'; tone: ToneName; language: Language }
  /** Frequencies summed for a time (a test tone: 1004 Hz for 1000 ms). */
  | { kind: 'frequencies'; hz: number[]; ms: number }
  | { kind: 'silence'; ms: number }
  | { kind: 'speech'; text: string; language: Language }
  /** Read-back through speech: digits one by one, a number, an amount of money, a date. */
  | { kind: 'digits'; digits: string; language: Language }
  | { kind: 'number'; value: number; language: Language }
  | { kind: 'amount'; value: number; language: Language }
  | { kind: 'date'; year: number; month: number; day: number; language: Language };

export interface RecordOptions {
  path: string;
  /** 1: both directions mixed; 2: what the peer said left, what it heard right. */
  channels: 1 | 2;
  maxDurationMs?: number;
  endOnSilence?: { afterMs: number; thresholdDbfs: number };
}

export interface SessionStats {
  sent: number;
  received: number;
  lost: number;
  jitterMs: number;
  malformed: number;
  unknownPayloadType: number;
  foreignSource: number;
  /** A WebRTC port's side: whether DTLS gave SRTP keys, checks answered, packets that failed. */
  webrtc?: { secured: boolean; stunAnswered: number; unprotectFailed: number };
}

export interface WorkerStats {
  worker: number;
  threadId: number;
  sessions: number;
  ticks: number;
  skippedTicks: number;
  /** How late packets left after their tick was due (ms), since the last reset. */
  sendLateMs: { count: number; p50: number; p99: number; max: number };
}

export type MediaCommand =
  /** `port`: one the worker parked for it (`park`), else the worker binds one. */
  | { op: 'create'; session: string; inbandDtmf: boolean; webrtc: boolean; port?: number }
  /** Binds an RTP port ahead of need and answers it; a later `create` takes it. */
  | { op: 'park' }
  | { op: 'remote'; session: string; remote: MediaRemote }
  | { op: 'play'; session: string; items: PlayItem[]; options: PlayOptions }
  | { op: 'stop-play'; session: string }
  | { op: 'record'; session: string; options: RecordOptions }
  | { op: 'recording'; session: string; action: 'pause' | 'resume' | 'stop' }
  | { op: 'bridge'; session: string; other: string }
  | { op: 'unbridge'; session: string }
  | { op: 'mixer-join'; session: string; mixer: string; mode: MixerMode }
  | { op: 'mixer-leave'; session: string }
  | { op: 'dtmf'; session: string; digits: DtmfDigit[]; options: DtmfSendOptions }
  | { op: 'stats'; session: string }
  | { op: 'destroy'; session: string }
  | { op: 'worker-stats'; reset: boolean }
  /** Decodes or synthesises `items` into the prompt cache, in both laws, without playing them. */
  | { op: 'prepare'; items: PlayItem[] };

/** What each command answers with. */
export interface MediaReplies {
  create: { port: number; webrtc?: WebRtcIdentity };
  park: { port: number };
  remote: null;
  play: null;
  'stop-play': null;
  record: null;
  recording: Recording | null;
  bridge: null;
  unbridge: null;
  'mixer-join': null;
  'mixer-leave': null;
  dtmf: null;
  stats: SessionStats;
  destroy: SessionStats;
  'worker-stats': WorkerStats;
  prepare: null;
}

export type MediaEvent =
  | { kind: 'dtmf'; session: string; digit: DtmfDigit; durationMs: number; via: 'rfc4733' | 'inband' }
  | { kind: 'played'; session: string; end: PlayerEnd }
  | { kind: 'recorded'; session: string; recording: Recording }
  | { kind: 'timeout'; session: string; silentMs: number }
  /** A WebRTC port's DTLS handshake failed (a certificate that does not match the SDP, an alert). */
  | { kind: 'webrtc-failed'; session: string; reason: string }
  | { kind: 'stats'; session: string; stats: SessionStats }
  /**
   * Raised by the owner, not a worker: the worker thread holding the session died (a crash), so
   * the session and its audio are gone; a new worker has taken the dead one's place.
   */
  | { kind: 'worker-failed'; session: string; worker: number; reason: string };

export type WorkerMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: MediaErrorData }
  | { type: 'event'; event: MediaEvent };

export type OwnerMessage = { id: number; command: MediaCommand } | { shutdown: true };

/** What a worker is started with (`workerData`). */
export interface WorkerSettings {
  index: number;
  host: string;
  portMin: number;
  portMax: number;
  noRtpTimeoutMs: number;
  symmetricRtp: boolean;
  speechCacheDir: string;
}

export type { G711Law };
