/**
 * One RTP session: a UDP socket, what we send (SSRC, sequence, timestamp, G.711 frames or RFC 4733
 * events, RTCP reports) and what we hear (receiver statistics, a jitter buffer when something
 * decodes the audio, RFC 4733 and optionally in-band digits). It has no timer of its own: the
 * worker's media clock calls `receive` and then `send` for every session in one pass.
 *
 * It knows nothing of SDP: the owner gives plain numbers (address, ports, payload types, codec).
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import type { TimeSource } from '../clock/media-clock.js';
import { type G711Law, SAMPLES_PER_FRAME, g711Decode, g711Encode, g711SilenceFrame } from '../codecs/g711.js';
import type { DtmfDigit, DtmfNotice } from '../dtmf/dtmf-digit.js';
import { DtmfReceiver } from '../dtmf/dtmf-receiver.js';
import { GoertzelDetector } from '../dtmf/goertzel-detector.js';
import { JitterBuffer } from '../jitter/jitter-buffer.js';
import { LossConcealer } from '../jitter/loss-concealer.js';
import { MediaStateError } from '../media-errors.js';
import { Player, type PlayerEnd, type PlayOptions } from '../player/player.js';
import { ReceiverStats } from '../rtp/receiver-stats.js';
import { isRtcpPacket, parseRtcpCompound } from '../rtp/rtcp-packet.js';
import { RTP_FIXED_HEADER, RtpHeader, readRtpHeader, writeRtpHeader } from '../rtp/rtp-packet.js';
import { DtmfSender, type DtmfSendOptions } from './dtmf-sender.js';
import { RtcpReporter } from './rtcp-reporter.js';

/**
 * What a session sends and receives packets through: a UDP socket, or a WebRTC port that
 * secures them (src/media/webrtc/) and shows plain RTP and RTCP here.
 */
export interface PacketSocket {
  on(event: 'message', listener: (bytes: Buffer, from: RemoteInfo) => void): unknown;
  send(bytes: Uint8Array, port: number, address: string): void;
  /**
   * Sends the socket holds back because the system's send buffer was full: those still read
   * their bytes later, so a session reuses a packet's buffer only when this is 0.
   */
  getSendQueueCount(): number;
  close(): void;
}

export interface RemoteEndpoint {
  address: string;
  port: number;
  /** RTCP port when the peer does not multiplex RTP and RTCP (RFC 5761); absent: rtcp-mux. */
  rtcpPort?: number;
  codec: G711Law;
  /** The payload type the offer gave the codec (0 and 8 by RFC 3551, but the offer rules). */
  payloadType: number;
  /** RFC 4733 §7.1.1: the offer's telephone-event/8000 payload type, if any. */
  telephoneEventPayloadType?: number;
  /**
   * RFC 4566 §6 a=ptime: the audio a packet carries (ms), 10 to 60 in steps of 10; 20 when
   * absent (RFC 3551 §4.5). The session sends frames of this length and expects the same.
   */
  ptimeMs?: number;
}

export interface SessionEvents {
  dtmf(digit: DtmfDigit, durationMs: number, via: 'rfc4733' | 'inband'): void;
  /** No RTP for the configured time; said once until packets flow again. */
  timeout(silentMs: number): void;
  played(end: PlayerEnd): void;
}

export interface RtpSessionOptions {
  id: string;
  socket: PacketSocket;
  port: number;
  time: TimeSource;
  random: () => number;
  noRtpTimeoutMs: number;
  /** RFC 4961 symmetric RTP: send to where the peer's packets come from. */
  symmetric: boolean;
  inbandDtmf: boolean;
  /** Opens the RTCP socket (port + 1) for a peer that does not multiplex. */
  openRtcpSocket: () => Promise<Socket>;
  events: SessionEvents;
}

export interface SessionCounts {
  sent: number;
  received: number;
  malformed: number;
  /** RTP with a payload type that is neither the codec's nor telephone-event's. */
  unknownPayloadType: number;
  /** Packets from an address other than the peer's while latched (RFC 4961). */
  foreignSource: number;
}

function g711Frame(codec: G711Law, payload: Uint8Array, samples: number): Uint8Array {
  if (payload.length === samples) return payload;
  const frame = g711SilenceFrame(codec, samples);
  frame.set(payload.subarray(0, samples));
  return frame;
}

function jitterBuffer(frameSamples: number): JitterBuffer {
  return new JitterBuffer({ clockRate: 8000, frameSamples, minDelayMs: 40, maxDelayMs: 200, capacity: 50 });
}

/** A source that stops for this long may be replaced by a new one (RFC 4961 §4 re-latching). */
const RELATCH_AFTER_MS = 500;

export class RtpSession {
  readonly ssrc: number;
  readonly counts: SessionCounts = { sent: 0, received: 0, malformed: 0, unknownPayloadType: 0, foreignSource: 0 };
  /** What this tick heard, decoded, when `decodes` is on (for a mixer, recorder or bridge). */
  heard: Int16Array | undefined;
  /** What this tick heard, still encoded in the peer's codec. */
  heardPayload: Uint8Array | undefined;
  /** Audio to send this tick unless a prompt or a digit goes first: a bridge's or a mixer's. */
  feed: Uint8Array | Int16Array | undefined;
  /** Set by the worker when something needs this session's audio decoded every tick. */
  decodes = false;
  readonly player: Player<Uint8Array>;
  readonly #dtmfSender = new DtmfSender(SAMPLES_PER_FRAME);
  #frameSamples = SAMPLES_PER_FRAME;
  readonly #dtmfReceiver = new DtmfReceiver({ payloadTypes: [] });
  readonly #inband: GoertzelDetector | undefined;
  #jitter = jitterBuffer(SAMPLES_PER_FRAME);
  #concealer = new LossConcealer();
  readonly #reporter: RtcpReporter;
  #remote: RemoteEndpoint | undefined;
  /** Where RTP goes: the remote endpoint, or the source latched by symmetric RTP. */
  #target: { address: string; port: number } | undefined;
  #latched = false;
  #rtcpSocket: Socket | undefined;
  #rtcpTarget: { address: string; port: number } | undefined;
  #sequence: number;
  #timestamp: number;
  #octets = 0;
  #marker = true;
  #heardSsrc: number | undefined;
  #stats = new ReceiverStats(8000);
  #lastHeardAt: number;
  #timeoutSaid = false;
  #closed = false;
  /** The packets sent, reused from one to the next: one buffer for audio, one for events. */
  #audioPacket = Buffer.alloc(0);
  #eventPacket = Buffer.alloc(0);
  /** The header of the packet being received, read in place. */
  readonly #heardHeader = new RtpHeader();

  constructor(private readonly options: RtpSessionOptions) {
    const random32 = () => Math.floor(options.random() * 0x1_0000_0000) >>> 0;
    // RFC 3550 §5.1: the initial sequence number and timestamp are random; §8.1: so is the SSRC.
    this.ssrc = random32();
    this.#sequence = random32() & 0xffff;
    this.#timestamp = random32();
    this.#lastHeardAt = options.time.now();
    this.#reporter = new RtcpReporter(this.ssrc, `kefu-${options.id}@kefu`, options.random, options.time.now());
    this.#inband = options.inbandDtmf ? new GoertzelDetector() : undefined;
    this.player = new Player<Uint8Array>(SAMPLES_PER_FRAME, (end) => options.events.played(end), (samples) => g711SilenceFrame(this.codec, samples));
    options.socket.on('message', (bytes, from) => this.onPacket(bytes, from, false));
  }

  get port(): number {
    return this.options.port;
  }

  get remote(): RemoteEndpoint | undefined {
    return this.#remote;
  }

  /** Where RTP is sent now (after symmetric latching). */
  get target(): { address: string; port: number } | undefined {
    return this.#target;
  }

  get codec(): G711Law {
    return this.#remote?.codec ?? 'PCMU';
  }

  /** Samples a packet carries, each way: the negotiated ptime at 8 kHz. */
  get frameSamples(): number {
    return this.#frameSamples;
  }

  /** Sets (or changes, after a re-offer) the peer's address, codec and payload types. */
  async setRemote(remote: RemoteEndpoint): Promise<void> {
    // RFC 3550 §5.1: PT is 7 bits. Packets are written in place without further checks.
    for (const type of [remote.payloadType, remote.telephoneEventPayloadType ?? 0]) {
      if (!Number.isInteger(type) || type < 0 || type > 127) throw new MediaStateError(`an RTP payload type is 0 to 127, not ${type}`);
    }
    this.#remote = remote;
    const frameSamples = ((remote.ptimeMs ?? 20) * 8000) / 1000;
    if (frameSamples !== this.#frameSamples) {
      this.#frameSamples = frameSamples;
      this.player.frameSamples = frameSamples;
      this.#dtmfSender.frameSamples = frameSamples;
      this.#jitter = jitterBuffer(frameSamples);
      this.#concealer = new LossConcealer();
    }
    this.#target = { address: remote.address, port: remote.port };
    this.#latched = false;
    this.#dtmfReceiver.setPayloadTypes(remote.telephoneEventPayloadType === undefined ? [] : [remote.telephoneEventPayloadType]);
    this.#lastHeardAt = this.options.time.now();
    this.#timeoutSaid = false;
    if (remote.rtcpPort === undefined) {
      this.#rtcpTarget = undefined;
      return;
    }
    this.#rtcpTarget = { address: remote.address, port: remote.rtcpPort };
    if (this.#rtcpSocket === undefined) {
      this.#rtcpSocket = await this.options.openRtcpSocket();
      this.#rtcpSocket.on('message', (bytes, from) => this.onPacket(bytes, from, true));
    }
  }

  play(frames: Uint8Array[], options: PlayOptions): void {
    this.player.play(frames, options);
  }

  sendDtmf(digits: readonly DtmfDigit[], options: DtmfSendOptions, done: () => void): void {
    this.#dtmfSender.send(digits, options, done);
  }

  /** First half of a tick: what arrived is taken out of the jitter buffer and looked at. */
  receive(nowMs: number): void {
    this.notify(this.#dtmfReceiver.tick(nowMs), 'rfc4733');
    this.heard = undefined;
    this.heardPayload = undefined;
    if (this.decodes) {
      const frame = this.#jitter.pop(nowMs);
      if (frame !== undefined && 'payload' in frame) {
        // One frame of the ptime whatever the packet held: a short payload is padded with
        // silence, a long one cut, so that mixers, recorders and bridges get whole frames.
        this.heardPayload = g711Frame(this.codec, frame.payload, this.#frameSamples);
        const afterLoss = this.#concealer.concealing > 0;
        this.heard = this.#concealer.received(g711Decode(this.codec, this.heardPayload));
        // The fade-in after a loss changed the audio: what a bridge relays must say the same.
        if (afterLoss) this.heardPayload = g711Encode(this.codec, this.heard);
      } else if (frame !== undefined) {
        // A frame that did not arrive in time (lost, or too late for the jitter buffer).
        this.heard = this.#concealer.conceal(this.#frameSamples);
        this.heardPayload = g711Encode(this.codec, this.heard);
      }
      if (this.heard !== undefined && this.#inband !== undefined) this.notify(this.#inband.process(this.heard), 'inband');
    }
    const silentMs = nowMs - this.#lastHeardAt;
    if (this.#remote !== undefined && !this.#timeoutSaid && silentMs >= this.options.noRtpTimeoutMs) {
      this.#timeoutSaid = true;
      this.options.events.timeout(silentMs);
    }
  }

  /**
   * Second half of a tick: one packet to the peer, a digit's event packet, else the prompt,
   * else the feed (bridge or mixer), else silence. Returns the audio sent, as G.711 bytes.
   */
  send(nowMs: number): Uint8Array | undefined {
    const timestamp = this.#timestamp;
    // RFC 3550 §5.1: the timestamp follows the sampling clock, whether or not a packet goes out.
    this.#timestamp = (this.#timestamp + this.#frameSamples) >>> 0;
    if (this.#remote === undefined || this.#closed) return undefined;
    if (this.#reporter.due(nowMs)) this.sendReport(nowMs, timestamp);
    const event = this.#dtmfSender.next(timestamp);
    if (event !== undefined && this.#remote.telephoneEventPayloadType !== undefined) {
      this.transmit(this.#remote.telephoneEventPayloadType, event.timestamp, event.payload, event.marker, true);
      return undefined;
    }
    let audio = this.player.next();
    if (audio === undefined && this.feed !== undefined) audio = this.feed instanceof Int16Array ? g711Encode(this.codec, this.feed) : this.feed;
    audio ??= this.silence();
    this.transmit(this.#remote.payloadType, timestamp, audio, this.#marker, false);
    this.#marker = false;
    return audio;
  }

  /** The receiver's view, for stats events. */
  statistics(): { lost: number; jitterMs: number; received: number } & SessionCounts {
    const snapshot = this.#stats.snapshot();
    return { ...this.counts, lost: Math.max(0, snapshot.cumulativeLost), jitterMs: Number(snapshot.jitterMs.toFixed(2)) };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.player.stop();
    this.options.socket.close();
    this.#rtcpSocket?.close();
  }

  private silence(): Uint8Array {
    return g711SilenceFrame(this.codec, this.#frameSamples);
  }

  private transmit(payloadType: number, timestamp: number, payload: Uint8Array, marker: boolean, event: boolean): void {
    const target = this.#target as { address: string; port: number };
    const length = RTP_FIXED_HEADER + payload.length;
    let bytes = event ? this.#eventPacket : this.#audioPacket;
    // The header is written over the previous packet's, unless that one still waits in the
    // socket's queue (which keeps reading its bytes) or was of another length.
    if (bytes.length !== length || this.options.socket.getSendQueueCount() > 0) {
      bytes = Buffer.allocUnsafeSlow(length);
      if (event) this.#eventPacket = bytes;
      else this.#audioPacket = bytes;
    }
    writeRtpHeader(bytes, marker, payloadType, this.#sequence, timestamp, this.ssrc);
    bytes.set(payload, RTP_FIXED_HEADER);
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.counts.sent++;
    this.#octets += payload.length;
    this.options.socket.send(bytes, target.port, target.address);
  }

  private sendReport(nowMs: number, timestamp: number): void {
    const heard = this.#heardSsrc === undefined ? undefined : { ssrc: this.#heardSsrc, stats: this.#stats };
    const bytes = this.#reporter.build(nowMs, Date.now(), { packets: this.counts.sent, octets: this.#octets, rtpTimestamp: timestamp }, heard);
    // RFC 5761 §4: with rtcp-mux, RTCP goes to the RTP port; otherwise to the peer's RTCP port.
    if (this.#rtcpTarget !== undefined && this.#rtcpSocket !== undefined) {
      this.#rtcpSocket.send(bytes, this.#rtcpTarget.port, this.#rtcpTarget.address);
    } else if (this.#target !== undefined) {
      this.options.socket.send(bytes, this.#target.port, this.#target.address);
    }
  }

  private onPacket(bytes: Buffer, from: RemoteInfo, rtcpPort: boolean): void {
    const remote = this.#remote;
    if (remote === undefined || this.#closed) return;
    const nowMs = this.options.time.now();
    // RFC 5761 §4: on a multiplexed port, payload types 64–95 (second octet 192–223) are RTCP.
    if (rtcpPort || isRtcpPacket(bytes)) {
      this.onRtcp(bytes, nowMs, from, rtcpPort);
      return;
    }
    const packet = this.#heardHeader;
    if (readRtpHeader(bytes, packet) !== undefined) {
      this.counts.malformed++;
      return;
    }
    const isAudio = packet.payloadType === remote.payloadType;
    if (!isAudio && packet.payloadType !== remote.telephoneEventPayloadType) {
      this.counts.unknownPayloadType++;
      return;
    }
    if (!this.fromPeer(from, nowMs)) return;
    this.counts.received++;
    this.#lastHeardAt = nowMs;
    this.#timeoutSaid = false;
    // Statistics follow the audio source and count every packet on its SSRC (events share its
    // sequence numbers); sipp's play_dtmf sends events on an SSRC of their own, which must not
    // reset the audio's loss and jitter counts.
    if (isAudio && packet.ssrc !== this.#heardSsrc) {
      // RFC 3550 §8.2: a new SSRC is a new source with its own statistics.
      this.#heardSsrc = packet.ssrc;
      this.#stats = new ReceiverStats(8000);
    }
    if (packet.ssrc === this.#heardSsrc) this.#stats.update(packet.sequenceNumber, packet.timestamp, nowMs);
    // The payload is a view of the datagram's own buffer, which nothing else reuses.
    if (!isAudio) {
      const payload = bytes.subarray(packet.payloadStart, packet.payloadEnd);
      this.notify(this.#dtmfReceiver.receive({ payloadType: packet.payloadType, ssrc: packet.ssrc, sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp, payload }, nowMs), 'rfc4733');
      return;
    }
    if (this.decodes) {
      const payload = bytes.subarray(packet.payloadStart, packet.payloadEnd);
      this.#jitter.push({ sequence: packet.sequenceNumber, timestamp: packet.timestamp, ssrc: packet.ssrc, payload }, nowMs);
    }
  }

  /**
   * RFC 4961 §4 (symmetric RTP): the first valid packet fixes where we send, so a caller behind
   * NAT hears us at the address its packets come from. A different source is ignored while the
   * latched one keeps talking, and replaces it once that one has been silent for a while.
   */
  private fromPeer(from: RemoteInfo, nowMs: number): boolean {
    // RFC 768: source port 0 means no reply is expected there (SIPp's raw-socket RTP when its
    // SDP names another port); such packets are heard, but never latched onto.
    if (!this.options.symmetric || from.port === 0) return true;
    const target = this.#target;
    const same = target !== undefined && target.address === from.address && target.port === from.port;
    if (same) {
      this.#latched = true;
      return true;
    }
    if (this.#latched && nowMs - this.#lastHeardAt < RELATCH_AFTER_MS) {
      this.counts.foreignSource++;
      return false;
    }
    this.#target = { address: from.address, port: from.port };
    this.#latched = true;
    return true;
  }

  private onRtcp(bytes: Buffer, nowMs: number, from: RemoteInfo, rtcpPort: boolean): void {
    const parsed = parseRtcpCompound(bytes);
    if (!parsed.ok) {
      this.counts.malformed++;
      return;
    }
    // Symmetric RTCP (RFC 4961 §3): reports go back to where the peer's reports come from.
    if (rtcpPort && this.options.symmetric && from.port !== 0) this.#rtcpTarget = { address: from.address, port: from.port };
    for (const packet of parsed.value) {
      if (packet.type === 'sender-report' && packet.ssrc === this.#heardSsrc) {
        this.#stats.senderReportReceived(packet.senderInfo.ntpSeconds, packet.senderInfo.ntpFraction, nowMs);
      }
    }
  }

  private notify(notices: DtmfNotice[], via: 'rfc4733' | 'inband'): void {
    for (const notice of notices) {
      // Barge-in on the start of a key press: the caller who knows the menu does not wait.
      if (notice.kind === 'digit-start') this.player.interrupt();
      else this.options.events.dtmf(notice.digit, notice.durationMs, via);
    }
  }
}
