/**
 * The SDP of a browser's audio (RFC 8829 JSEP as Kefu meets it): UDP/TLS/RTP/SAVPF (RFC 5764 §8),
 * ICE (RFC 8839) with Kefu as the lite agent, DTLS fingerprints and roles (RFC 8122, RFC 5763 §5),
 * a=mid and BUNDLE (RFC 8843), rtcp-mux, and the SSRC of what Kefu sends (RFC 5576), without
 * which Chrome does not play the audio it receives.
 */
import type { MediaDescription, SessionDescription } from 'sdp-transform';

export interface Fingerprint {
  algorithm: string;
  value: string;
}

/** What Kefu says of its own WebRTC port. */
export interface LocalWebRtc {
  iceUfrag: string;
  icePwd: string;
  fingerprint: Fingerprint;
  /** The SSRC Kefu sends with. */
  ssrc: number;
}

/** What the browser said, and the DTLS role that leaves Kefu. */
export interface NegotiatedWebRtc {
  iceUfrag: string;
  icePwd: string;
  fingerprints: Fingerprint[];
  role: 'client' | 'server';
}

export type Setup = 'actpass' | 'active' | 'passive';

/** RFC 5764 §8 and RFC 8829 §5.1.2: the profiles of DTLS-SRTP over UDP. */
export function isWebRtcProtocol(protocol: string): boolean {
  return /^UDP\/TLS\/RTP\/SAVPF?$/i.test(protocol);
}

/**
 * The browser's ICE and DTLS parameters for `media`, media-level before session-level
 * (RFC 8839 §5.4, RFC 8122 §5); a reason when one is missing.
 * `theirSetup` is what decides our DTLS role (RFC 5763 §5, RFC 4145 §4): we are the server when
 * they set up (active) or leave it to us (actpass, which we answer passive).
 */
export function remoteWebRtc(sdp: SessionDescription, media: MediaDescription): NegotiatedWebRtc | string {
  const iceUfrag = media.iceUfrag ?? sdp.iceUfrag;
  const icePwd = media.icePwd ?? sdp.icePwd;
  const fingerprint = media.fingerprint ?? sdp.fingerprint;
  if (iceUfrag === undefined || icePwd === undefined) return 'the WebRTC stream has no ICE ufrag and password';
  if (fingerprint === undefined) return 'the WebRTC stream has no DTLS fingerprint';
  const setup = (media.setup ?? sdp.setup ?? 'actpass') as string;
  return {
    iceUfrag: String(iceUfrag),
    icePwd: String(icePwd),
    fingerprints: [{ algorithm: fingerprint.type, value: fingerprint.hash }],
    role: setup === 'passive' ? 'client' : 'server',
  };
}

/** Our a=setup given our role: the answer's active or passive, or actpass in an offer. */
export function setupOf(role: 'client' | 'server' | undefined): Setup {
  if (role === undefined) return 'actpass';
  return role === 'client' ? 'active' : 'passive';
}

/**
 * The attributes of our WebRTC audio stream: ICE credentials and our one host candidate
 * (RFC 8839 §5.1; an ICE-lite agent gathers only host candidates, RFC 8445 §5.1.1), the DTLS
 * fingerprint and setup, the mid, rtcp-mux and the SSRC we send with.
 */
export function withWebRtc(media: MediaDescription, local: LocalWebRtc, address: string, setup: Setup, mid: string): MediaDescription {
  return {
    ...media,
    protocol: 'UDP/TLS/RTP/SAVPF',
    iceUfrag: local.iceUfrag,
    icePwd: local.icePwd,
    fingerprint: { type: local.fingerprint.algorithm, hash: local.fingerprint.value },
    setup,
    mid,
    // RFC 8445 §5.1.2.1: the priority of a host candidate with type preference 126, component 1.
    candidates: [{ foundation: '1', component: 1, transport: 'udp', priority: 2130706431, ip: address, port: media.port, type: 'host' }],
    endOfCandidates: 'end-of-candidates',
    rtcpMux: 'rtcp-mux',
    msid: [{ id: 'kefu', appdata: 'kefu-audio' }],
    ssrcs: [{ id: local.ssrc, attribute: 'cname', value: 'kefu' }],
  };
}

/** Session-level ICE-lite (RFC 8839 §5.3) and, when the offer bundled `mid`, the answer's group (RFC 8843 §7.3). */
export function webRtcSession(session: SessionDescription, offer: SessionDescription | undefined, mid: string): SessionDescription {
  const bundled = offer?.groups?.some((group) => group.type === 'BUNDLE' && String(group.mids).split(' ').includes(mid)) ?? false;
  return { ...session, icelite: 'ice-lite', ...(offer === undefined || bundled ? { groups: [{ type: 'BUNDLE', mids: mid }] } : {}) };
}
