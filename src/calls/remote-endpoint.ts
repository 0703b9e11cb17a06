import type { MediaRemote } from '../media/index.js';
import type { NegotiatedAudio } from '../sdp/index.js';

/** The media engine's view of what offer/answer agreed. */
export function remoteOf(audio: NegotiatedAudio): MediaRemote {
  return {
    address: audio.remoteAddress,
    port: audio.remotePort,
    ...(audio.rtcpMux ? {} : { rtcpPort: audio.remotePort + 1 }),
    codec: audio.codec,
    payloadType: audio.payloadType,
    // RFC 4566 §6: the media engine sends and expects frames of the negotiated ptime.
    ptimeMs: audio.ptime,
    ...(audio.telephoneEventPayloadType === undefined ? {} : { telephoneEventPayloadType: audio.telephoneEventPayloadType }),
    ...(audio.webrtc === undefined ? {} : { webrtc: { iceUfrag: audio.webrtc.iceUfrag, fingerprints: audio.webrtc.fingerprints, role: audio.webrtc.role } }),
  };
}
