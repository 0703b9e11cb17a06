export {
  answerOffer,
  createOffer,
  offersWebRtc,
  readAnswer,
  type AnswerResult,
  type AudioCodec,
  type LocalMedia,
  type NegotiatedAudio,
  type ReadAnswerResult,
} from './offer-answer.js';
export { directions, parseSdp, type Direction, type SdpResult } from './session-description.js';
export type { Fingerprint, LocalWebRtc, NegotiatedWebRtc } from './webrtc.js';
