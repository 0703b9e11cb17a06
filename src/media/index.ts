/**
 * The face of src/media/: RTP and RTCP packets, receiver statistics and G.711. Pure logic so far; the
 * worker threads, media clock, player, recorder, bridge and mixer build on it. Knows nothing of
 * SIP or SDP.
 */
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
