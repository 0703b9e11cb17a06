import type { RemoteEndpoint } from '../media/index.js';
import type { NegotiatedAudio } from '../sdp/index.js';

/** The media engine's view of what offer/answer agreed. */
export function remoteOf(audio: NegotiatedAudio): RemoteEndpoint {
  return {
    address: audio.remoteAddress,
    port: audio.remotePort,
    ...(audio.rtcpMux ? {} : { rtcpPort: audio.remotePort + 1 }),
    codec: audio.codec,
    payloadType: audio.payloadType,
    ...(audio.telephoneEventPayloadType === undefined ? {} : { telephoneEventPayloadType: audio.telephoneEventPayloadType }),
  };
}
