/**
 * Failures of the media runtime, each with a stable code. They cross from a media worker to its
 * owner as { code, message } and are rebuilt there as the same class (`mediaErrorOf`).
 */
import { KefuError } from '../errors.js';
import { AudioFileError } from './player/audio-file.js';
import { SpeechError } from './player/speech.js';

/** Every RTP port of the configured range is taken. */
export class MediaPortsExhaustedError extends KefuError {
  readonly code = 'ERR_MEDIA_PORTS_EXHAUSTED';
}

/** No session (or mixer) by that id on this engine. */
export class MediaSessionNotFoundError extends KefuError {
  readonly code = 'ERR_MEDIA_SESSION_NOT_FOUND';
}

/** The command does not fit the session's state: no remote address yet, nothing recording … */
export class MediaStateError extends KefuError {
  readonly code = 'ERR_MEDIA_STATE';
}

/** Sessions that must share a worker (a bridge, a mixer) live on different ones. */
export class MediaPlacementError extends KefuError {
  readonly code = 'ERR_MEDIA_PLACEMENT';
}

/** A worker died or the engine is stopped; also any other failure the worker reported. */
export class MediaWorkerError extends KefuError {
  readonly code = 'ERR_MEDIA_WORKER';
}

/** What crosses the thread boundary for an error. */
export interface MediaErrorData {
  code: string;
  message: string;
}

export function mediaErrorData(error: unknown): MediaErrorData {
  if (error instanceof KefuError) return { code: error.code, message: error.message };
  return { code: 'ERR_MEDIA_WORKER', message: error instanceof Error ? error.message : String(error) };
}

const byCode: Record<string, new (message: string) => KefuError> = {
  ERR_MEDIA_PORTS_EXHAUSTED: MediaPortsExhaustedError,
  ERR_MEDIA_SESSION_NOT_FOUND: MediaSessionNotFoundError,
  ERR_MEDIA_STATE: MediaStateError,
  ERR_MEDIA_PLACEMENT: MediaPlacementError,
  ERR_AUDIO_FILE: AudioFileError,
  ERR_SPEECH: SpeechError,
};

/** The error a worker reported, as its own class; codes of other classes keep their code. */
export function mediaErrorOf(data: MediaErrorData): KefuError {
  const Known = byCode[data.code];
  if (Known !== undefined) return new Known(data.message);
  const error = new MediaWorkerError(data.message);
  return Object.assign(error, { code: data.code });
}
