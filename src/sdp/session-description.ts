/**
 * Session descriptions (RFC 4566) as Kefu reads them: sdp-transform does the line grammar, this
 * file checks what RFC 4566 makes mandatory and what the offer/answer code relies on, so that a
 * malformed body from the network becomes a reason, never an exception.
 */
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';

export type { MediaDescription, SessionDescription };

export type SdpResult = { ok: true; sdp: SessionDescription } | { ok: false; reason: string };

export const directions = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;
export type Direction = (typeof directions)[number];

/** Parses and checks a session description; never throws. */
export function parseSdp(text: string): SdpResult {
  let sdp: SessionDescription;
  try {
    sdp = parse(text);
  } catch (error) {
    return { ok: false, reason: `unreadable SDP: ${(error as Error).message}` };
  }
  // RFC 4566 §5: v=, o=, s= and t= are mandatory, v= must be 0.
  if (sdp.version !== 0) return { ok: false, reason: 'SDP version (v=) must be 0' };
  if (sdp.origin === undefined) return { ok: false, reason: 'SDP has no origin (o=) line' };
  if (sdp.name === undefined) return { ok: false, reason: 'SDP has no session name (s=) line' };
  if (!Array.isArray(sdp.media)) return { ok: false, reason: 'SDP has no media descriptions' };
  for (const [i, media] of sdp.media.entries()) {
    if (!Number.isInteger(media.port) || media.port < 0 || media.port > 65535) {
      return { ok: false, reason: `m= line ${i + 1} has no valid port` };
    }
    // RFC 4566 §5.7: a c= line in every media description or one at the session level.
    if (media.port !== 0 && connectionAddress(sdp, media) === undefined) {
      return { ok: false, reason: `m= line ${i + 1} has no connection address (c=)` };
    }
  }
  return { ok: true, sdp };
}

export function writeSdp(sdp: SessionDescription): string {
  return write(sdp);
}

/** The media's c= address, or the session's (RFC 4566 §5.7). */
export function connectionAddress(sdp: SessionDescription, media: MediaDescription): string | undefined {
  return media.connection?.ip ?? sdp.connection?.ip;
}

/** The media's direction attribute, else the session's, else sendrecv (RFC 3264 §5.1). */
export function directionOf(sdp: SessionDescription, media: MediaDescription): Direction {
  return media.direction ?? sdp.direction ?? 'sendrecv';
}

/** The payload type numbers of an m= line, in the offerer's order of preference (RFC 3264 §5.1). */
export function payloadTypes(media: MediaDescription): number[] {
  return String(media.payloads ?? '')
    .split(' ')
    .filter((p) => /^\d{1,3}$/.test(p))
    .map(Number)
    .filter((pt) => pt <= 127);
}
