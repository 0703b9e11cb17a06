export {
  answerOffer,
  createOffer,
  readAnswer,
  type AnswerResult,
  type AudioCodec,
  type LocalMedia,
  type NegotiatedAudio,
  type ReadAnswerResult,
} from './offer-answer.js';
export { directions, parseSdp, type Direction, type SdpResult } from './session-description.js';
