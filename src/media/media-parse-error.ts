/**
 * What a parser of untrusted media bytes (RTP, RTCP, telephone-events) returns: the value, or an
 * error that says which packet type, at which byte offset, and why. Parsers never throw on bad
 * input and never read past the end of what they were given; a media worker drops the packet,
 * counts it, and keeps serving.
 */
import { KefuError } from '../errors.js';

/** Bytes that are not a valid packet of the kind the parser expects. */
export class MediaParseError extends KefuError {
  readonly code = 'ERR_MEDIA_PARSE';

  constructor(
    /** The packet type being parsed, e.g. `RTP`, `RTCP SR`, `telephone-event`. */
    readonly packet: string,
    /** Byte offset of the problem within the bytes given to the parser. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${packet}: ${reason} at byte ${offset}`, [{ path: `byte ${offset}`, message: reason }]);
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: MediaParseError };

export function parsed<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function parseFailure<T>(packet: string, offset: number, reason: string): ParseResult<T> {
  return { ok: false, error: new MediaParseError(packet, offset, reason) };
}
