/**
 * The face of src/media/: the media engine (worker threads running RTP sessions, driven by
 * commands, raising events), and the pieces it is built of: RTP and RTCP packets, receiver
 * statistics, G.711, DTMF (RFC 4733 telephone-events and in-band tones), the media clock, jitter
 * buffer, player (prompts, tones, speech, read-back), recorder and mixer, and WebRTC ports
 * (ICE-lite, DTLS-SRTP) for browsers' legs. Knows nothing of SIP or SDP.
 */
export {
  MediaEngine,
  type CreateSessionOptions,
  type MediaEngineOptions,
  type MediaEvents,
  type MediaSessionInfo,
} from './engine/media-engine.js';
export type { MediaEvent, MediaRemote, PlayItem, RecordOptions, SessionStats, WebRtcIdentity, WorkerStats } from './engine/protocol.js';
export type { DtlsRole, Fingerprint } from './webrtc/dtls-srtp.js';
export type { WebRtcRemote } from './webrtc/webrtc-port.js';
export type { RemoteEndpoint } from './session/rtp-session.js';
export type { DtmfSendOptions } from './session/dtmf-sender.js';
export {
  MediaPlacementError,
  MediaPortsExhaustedError,
  MediaSessionNotFoundError,
  MediaStateError,
  MediaWorkerError,
} from './media-errors.js';
export { hrtimeSource, MediaClock, type MediaClockOptions, type Tick, type TimeSource } from './clock/media-clock.js';
export {
  JitterBuffer,
  type Frame,
  type JitterBufferOptions,
  type JitterPacket,
  type JitterStats,
  type PushOutcome,
} from './jitter/jitter-buffer.js';
export { WavRecorder, type Recording, type RecorderOptions, type RecorderState, type StopReason } from './recorder/wav-recorder.js';
export { AudioFileError, decodeWav, telephonyRate } from './player/audio-file.js';
export { wavHeader } from './recorder/wav-header.js';
export { Player, type PlayerEnd, type PlayOptions } from './player/player.js';
export { amountText, dateText, digitsText, numberText, type Language } from './player/readback.js';
export { SpeechError, SpeechSynthesizer } from './player/speech.js';
export { renderTone, toneSegments, type ToneName, type ToneSegment } from './player/tones.js';
export { Mixer, type MixerMode } from './mixer/mixer.js';
export { MediaParseError, type ParseResult } from './media-parse-error.js';
export { RtpPacket, type RtpHeaderExtension, type RtpPacketFields } from './rtp/rtp-packet.js';
export { ReportBlock, REPORT_BLOCK_LENGTH, type ReportBlockFields } from './rtp/rtcp-report-block.js';
export {
  RtcpSenderReport,
  RtcpReceiverReport,
  RtcpOtherPacket,
  RTCP_SENDER_REPORT,
  RTCP_RECEIVER_REPORT,
  isRtcpPacket,
  parseRtcpCompound,
  serializeRtcpCompound,
  type RtcpPacket,
  type SenderInfo,
} from './rtp/rtcp-packet.js';
export { ReceiverStats, type ReceiverSnapshot } from './rtp/receiver-stats.js';
export {
  FRAME_MS,
  G711_PAYLOAD_TYPE,
  G711_SAMPLE_RATE,
  G711_SILENCE,
  SAMPLES_PER_FRAME,
  g711Decode,
  g711Encode,
  g711Frames,
  g711SilenceFrame,
  g711Transcode,
  type G711Law,
} from './codecs/g711.js';
export { DTMF_DIGITS, digitOfEvent, eventOfDigit, type DtmfDigit, type DtmfEnding, type DtmfNotice } from './dtmf/dtmf-digit.js';
export { TelephoneEvent, TELEPHONE_EVENT_LENGTH, type TelephoneEventFields } from './dtmf/telephone-event.js';
export { DtmfReceiver, type DtmfReceiverCounts, type DtmfReceiverOptions, type TelephoneEventPacket } from './dtmf/dtmf-receiver.js';
export { GoertzelDetector, type GoertzelDetectorOptions } from './dtmf/goertzel-detector.js';
