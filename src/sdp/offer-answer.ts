/**
 * The offer/answer model (RFC 3264) for Kefu's audio: G.711 (PCMU, PCMA), RFC 4733
 * telephone-events, ptime, the four directions (hold and resume) and rtcp-mux (RFC 5761).
 * One audio stream is used; any other m= line is declined with port 0.
 */
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { connectionAddress, directionOf, parseSdp, payloadTypes, writeSdp, type Direction } from './session-description.js';
import { isWebRtcProtocol, remoteWebRtc, setupOf, webRtcSession, withWebRtc, type LocalWebRtc, type NegotiatedWebRtc } from './webrtc.js';

export type AudioCodec = 'PCMU' | 'PCMA';

/** RFC 3551 §6: the static payload types of G.711. */
const staticPayloadTypes: Record<AudioCodec, number> = { PCMU: 0, PCMA: 8 };
const defaultTelephoneEventPayloadType = 101;
const defaultPtime = 20;

/** What this side offers or accepts. */
export interface LocalMedia {
  /** Address peers send RTP to (c=), and the o= line's address. */
  address: string;
  port: number;
  /** Codecs in our order of preference. */
  codecs: AudioCodec[];
  telephoneEvent: boolean;
  /** Packet time in ms; default 20. */
  ptime?: number;
  /** What we want: sendrecv, or sendonly to put the peer on hold (RFC 3264 §8.4). */
  direction?: Direction;
  rtcpMux?: boolean;
  /** o= session id and version; the version must grow with every new offer (RFC 3264 §8). */
  sessionId: number;
  sessionVersion: number;
  /** A browser's leg: DTLS-SRTP with ICE (./webrtc.ts) instead of plain RTP/AVP. */
  webrtc?: LocalWebRtc;
}

/** The audio stream both sides agreed on, as this side must run it. */
export interface NegotiatedAudio {
  remoteAddress: string;
  remotePort: number;
  codec: AudioCodec;
  payloadType: number;
  telephoneEventPayloadType: number | undefined;
  ptime: number;
  /** Our direction: whether we may send and whether we should expect to receive. */
  direction: Direction;
  rtcpMux: boolean;
  /** The browser's ICE and DTLS parameters, when the stream is WebRTC. */
  webrtc?: NegotiatedWebRtc;
}

export type AnswerResult =
  | { ok: true; sdp: string; audio: NegotiatedAudio }
  /** 400 for an unreadable offer, 488 Not Acceptable Here when nothing in it suits (RFC 3261 §13.3.1.3). */
  | { ok: false; status: 400 | 488; reason: string };

export type ReadAnswerResult = { ok: true; audio: NegotiatedAudio } | { ok: false; reason: string };

interface Format {
  payloadType: number;
  name: string;
  rate: number;
}

/** The formats of an m= line; static types without an rtpmap are known by number (RFC 3551 §6). */
function formatsOf(media: MediaDescription): Format[] {
  return payloadTypes(media).map((payloadType) => {
    const map = media.rtp?.find((r) => r.payload === payloadType);
    if (map !== undefined) return { payloadType, name: map.codec.toUpperCase(), rate: map.rate ?? 8000 };
    const known = (Object.keys(staticPayloadTypes) as AudioCodec[]).find((c) => staticPayloadTypes[c] === payloadType);
    return { payloadType, name: known ?? `PT${payloadType}`, rate: 8000 };
  });
}

/** RFC 3264 §6.1: our direction in the answer, given the offer's and what we want. */
function answerDirection(offered: Direction, wanted: Direction): Direction {
  const weSend = (offered === 'sendrecv' || offered === 'recvonly') && (wanted === 'sendrecv' || wanted === 'sendonly');
  const weReceive = (offered === 'sendrecv' || offered === 'sendonly') && (wanted === 'sendrecv' || wanted === 'recvonly');
  if (weSend && weReceive) return 'sendrecv';
  if (weSend) return 'sendonly';
  if (weReceive) return 'recvonly';
  return 'inactive';
}

/** RFC 3264 §8.4 (after RFC 2543): c=0.0.0.0 in an offer means hold, as a=sendonly does today. */
function heldByZeroAddress(address: string | undefined): boolean {
  return address === '0.0.0.0';
}

function session(local: LocalMedia, media: MediaDescription[]): SessionDescription {
  const ipVer = local.address.includes(':') ? 6 : 4;
  return {
    version: 0,
    origin: { username: 'kefu', sessionId: local.sessionId, sessionVersion: local.sessionVersion, netType: 'IN', ipVer, address: local.address },
    name: 'Kefu',
    connection: { version: ipVer, ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  };
}

function audioMedia(local: LocalMedia, formats: Format[], direction: Direction, ptime: number, rtcpMux: boolean): MediaDescription {
  const telephoneEvent = formats.find((f) => f.name === 'TELEPHONE-EVENT');
  return {
    type: 'audio',
    port: local.port,
    protocol: 'RTP/AVP',
    payloads: formats.map((f) => f.payloadType).join(' '),
    rtp: formats.map((f) => ({ payload: f.payloadType, codec: f.name === 'TELEPHONE-EVENT' ? 'telephone-event' : f.name, rate: f.rate })),
    // RFC 4733 §2.4.1: the events we handle: the 16 DTMF events.
    fmtp: telephoneEvent === undefined ? [] : [{ payload: telephoneEvent.payloadType, config: '0-16' }],
    ptime,
    direction,
    ...(rtcpMux ? { rtcpMux: 'rtcp-mux' as const } : {}),
  };
}

/** The mid of the stream Kefu offers to a browser. */
const offeredMid = '0';

/** An offer for one audio stream with our codecs and, if wanted, telephone-events. */
export function createOffer(local: LocalMedia): string {
  const formats: Format[] = local.codecs.map((codec) => ({ payloadType: staticPayloadTypes[codec], name: codec, rate: 8000 }));
  if (local.telephoneEvent) formats.push({ payloadType: defaultTelephoneEventPayloadType, name: 'TELEPHONE-EVENT', rate: 8000 });
  const media = audioMedia(local, formats, local.direction ?? 'sendrecv', local.ptime ?? defaultPtime, local.rtcpMux ?? local.webrtc !== undefined);
  if (local.webrtc === undefined) return writeSdp(session(local, [media]));
  // RFC 5763 §5: the offerer says actpass and lets the answerer choose the DTLS roles.
  return writeSdp(webRtcSession(session(local, [withWebRtc(media, local.webrtc, local.address, 'actpass', offeredMid)]), undefined, offeredMid));
}

/** Whether an offer's first audio stream is a browser's (DTLS-SRTP, RFC 5764 §8). */
export function offersWebRtc(offerText: string): boolean {
  const parsed = parseSdp(offerText);
  const audio = parsed.ok ? parsed.sdp.media.find((media) => media.type === 'audio' && media.port !== 0) : undefined;
  return audio !== undefined && isWebRtcProtocol(audio.protocol);
}

/**
 * Answers an offer (RFC 3264 §6): one m= line for each offered, in the same order; the first
 * audio stream over RTP/AVP with a codec we share is accepted, with the offer's payload type
 * numbers and the offerer's codec preference (§6.1); every other stream gets port 0.
 */
export function answerOffer(offerText: string, local: LocalMedia): AnswerResult {
  const parsed = parseSdp(offerText);
  if (!parsed.ok) return { ok: false, status: 400, reason: parsed.reason };
  const offer = parsed.sdp;
  let audio: NegotiatedAudio | undefined;
  let refusal: string | undefined;
  let mid: string | undefined;
  const answered = offer.media.map((media): MediaDescription => {
    const formats = formatsOf(media);
    const codec = formats.find((f) => f.rate === 8000 && (local.codecs as string[]).includes(f.name));
    const protocolFits = local.webrtc === undefined ? media.protocol === 'RTP/AVP' : isWebRtcProtocol(media.protocol);
    const acceptable = audio === undefined && media.type === 'audio' && media.port !== 0 && protocolFits && codec !== undefined;
    const webrtc = acceptable && local.webrtc !== undefined ? remoteWebRtc(offer, media) : undefined;
    if (typeof webrtc === 'string') refusal = webrtc;
    if (!acceptable || typeof webrtc === 'string') {
      // §6: a declined stream keeps its place with port 0 and the offer's formats.
      return { type: media.type, port: 0, protocol: media.protocol, payloads: media.payloads ?? '0', rtp: [], fmtp: [] };
    }
    // RFC 4733 §7.1.1: telephone-event at the audio clock rate, with the offer's payload type.
    const events = local.telephoneEvent ? formats.find((f) => f.name === 'TELEPHONE-EVENT' && f.rate === 8000) : undefined;
    const address = connectionAddress(offer, media) as string;
    // JSEP offers c=IN IP4 0.0.0.0 before candidates are known: there it is no hold (RFC 8839 §5.1).
    const offered = webrtc === undefined && heldByZeroAddress(address) ? 'sendonly' : directionOf(offer, media);
    const direction = answerDirection(offered, local.direction ?? 'sendrecv');
    const ptime = media.ptime !== undefined && media.ptime >= 10 && media.ptime <= 60 && media.ptime % 10 === 0 ? media.ptime : defaultPtime;
    // RFC 5761 §5.1.1: accept rtcp-mux when offered and we can.
    const rtcpMux = media.rtcpMux !== undefined && (local.rtcpMux ?? true);
    if (webrtc !== undefined && !rtcpMux) {
      refusal = 'a WebRTC stream must multiplex RTP and RTCP (RFC 8829 §5.1.3)';
      return { type: media.type, port: 0, protocol: media.protocol, payloads: media.payloads ?? '0', rtp: [], fmtp: [] };
    }
    audio = {
      remoteAddress: address,
      remotePort: media.port,
      codec: codec.name as AudioCodec,
      payloadType: codec.payloadType,
      telephoneEventPayloadType: events?.payloadType,
      ptime,
      direction,
      rtcpMux,
      ...(webrtc === undefined ? {} : { webrtc }),
    };
    const answer = audioMedia(local, events === undefined ? [codec] : [codec, events], direction, ptime, rtcpMux);
    if (webrtc === undefined || local.webrtc === undefined) return answer;
    // RFC 8843 §7.3: the answer keeps the offer's mid.
    mid = String(media.mid ?? offeredMid);
    return withWebRtc(answer, local.webrtc, local.address, setupOf(webrtc.role), mid);
  });
  if (audio === undefined) return { ok: false, status: 488, reason: refusal ?? `no audio stream with PCMU or PCMA over ${local.webrtc === undefined ? 'RTP/AVP' : 'DTLS-SRTP'}` };
  const described = session(local, answered);
  return { ok: true, sdp: writeSdp(mid === undefined ? described : webRtcSession(described, offer, mid)), audio };
}

/** Reads the answer to an offer we made with `local` (RFC 3264 §7). */
export function readAnswer(answerText: string, local: LocalMedia): ReadAnswerResult {
  const parsed = parseSdp(answerText);
  if (!parsed.ok) return parsed;
  const answer = parsed.sdp;
  const media = answer.media[0];
  if (media === undefined || media.type !== 'audio') return { ok: false, reason: 'the answer has no audio stream' };
  if (media.port === 0) return { ok: false, reason: 'the peer declined the audio stream' };
  const formats = formatsOf(media);
  // §6.1: the answer's formats must come from the offer; take the first codec it kept.
  const codec = formats.find((f) => (local.codecs as string[]).includes(f.name) && f.payloadType === staticPayloadTypes[f.name as AudioCodec]);
  if (codec === undefined) return { ok: false, reason: 'the answer chose no codec we offered' };
  const events = local.telephoneEvent ? formats.find((f) => f.name === 'TELEPHONE-EVENT' && f.rate === 8000) : undefined;
  const webrtc = local.webrtc === undefined ? undefined : remoteWebRtc(answer, media);
  if (typeof webrtc === 'string') return { ok: false, reason: webrtc };
  // RFC 5763 §5: an answer to our actpass must choose; active makes us the DTLS server.
  if (webrtc !== undefined && (media.setup ?? answer.setup) === 'actpass') return { ok: false, reason: 'the answer left a=setup at actpass' };
  const address = connectionAddress(answer, media) as string;
  const theirs = webrtc === undefined && heldByZeroAddress(address) ? 'inactive' : directionOf(answer, media);
  // Their direction mirrored: what they receive, we send (RFC 3264 §6.1).
  const mirrored: Record<typeof theirs, typeof theirs> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };
  return {
    ok: true,
    audio: {
      remoteAddress: address,
      remotePort: media.port,
      codec: codec.name as AudioCodec,
      payloadType: codec.payloadType,
      telephoneEventPayloadType: events?.payloadType,
      ptime: media.ptime ?? local.ptime ?? defaultPtime,
      direction: mirrored[theirs],
      rtcpMux: media.rtcpMux !== undefined && (local.rtcpMux ?? local.webrtc !== undefined),
      ...(webrtc === undefined ? {} : { webrtc }),
    },
  };
}
