/**
 * A small RTP peer for the media tests: a real UDP socket on 127.0.0.1 that sends G.711 frames
 * paced at its ptime, 20 ms unless told (a tone, or silence; some frames left out on request) and RFC 4733 digits, and keeps what it receives: audio
 * decoded to linear PCM, digits through the project's DtmfReceiver, and the ports packets came
 * from. Plus a Goertzel measure to find a tone's frequency and level in what it heard.
 */
import { type Socket, createSocket } from 'node:dgram';
import {
  type DtmfDigit,
  DtmfReceiver,
  type G711Law,
  RtpPacket,
  TelephoneEvent,
  eventOfDigit,
  g711Decode,
  g711Encode,
  isRtcpPacket,
} from '../../src/media/index.js';

export interface RtpPeerOptions {
  codec: G711Law;
  payloadType?: number;
  telephoneEventPayloadType?: number;
  /** RFC 4566 §6 a=ptime: the audio each packet it sends carries, in ms (default 20). */
  ptimeMs?: number;
}

export class RtpPeer {
  readonly socket: Socket;
  readonly codec: G711Law;
  readonly payloadType: number;
  readonly telephoneEventPayloadType: number;
  readonly ptimeMs: number;
  /** Audio packets received: payload length and RTP timestamp of each, in arrival order. */
  readonly audioPackets: { bytes: number; timestamp: number }[] = [];
  /** Frames `play` leaves out (by index from the start of playing): packets lost on the way. */
  dropFrame: (index: number) => boolean = () => false;
  /** Every audio sample received, in arrival order. */
  readonly heard: number[] = [];
  readonly digits: DtmfDigit[] = [];
  /** The sender addresses (host:port) of packets received. */
  readonly sources = new Set<string>();
  /** Packets received, by the local port they arrived on. */
  readonly receivedOn = new Map<number, number>();
  rtcpPackets = 0;
  /** When the first RTP packet arrived (Date.now()), to time how soon a peer starts sending. */
  firstPacketAt: number | undefined;
  /** When the first packet holding sound (not silence, any sample beyond -30 dBFS) arrived. */
  firstSoundAt: number | undefined;
  #receiver: DtmfReceiver;
  #timer: NodeJS.Timeout | undefined;
  #sequence = 1000;
  #timestamp = 50_000;
  #phase = 0;
  #target: { port: number; address: string } | undefined;
  #sendFrom: Socket;
  #playBack: { hz: number | number[]; amplitude: number } | undefined;

  private constructor(socket: Socket, options: RtpPeerOptions) {
    this.socket = socket;
    this.#sendFrom = socket;
    this.codec = options.codec;
    this.payloadType = options.payloadType ?? (options.codec === 'PCMU' ? 0 : 8);
    this.telephoneEventPayloadType = options.telephoneEventPayloadType ?? 101;
    this.ptimeMs = options.ptimeMs ?? 20;
    this.#receiver = new DtmfReceiver({ payloadTypes: [this.telephoneEventPayloadType] });
    socket.on('message', (bytes, from) => this.onPacket(socket, bytes, `${from.address}:${from.port}`));
  }

  static async open(options: RtpPeerOptions): Promise<RtpPeer> {
    return new RtpPeer(await bindLoopback(), options);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends from a second socket from now on (a NAT that changed the caller's port). */
  async moveSource(): Promise<number> {
    const moved = await bindLoopback();
    this.#sendFrom = moved;
    moved.on('message', (bytes, from) => this.onPacket(moved, bytes, `${from.address}:${from.port}`));
    return moved.address().port;
  }

  /** Sends a tone (frequencies summed; 0 Hz is silence) every ptime to `port` until `stop()`, on absolute deadlines (no drift). */
  play(port: number, hz: number | number[], amplitude = 8000): void {
    const frequencies = typeof hz === 'number' ? [hz] : hz;
    this.stop();
    this.#target = { port, address: '127.0.0.1' };
    const start = performance.now();
    let sent = 0;
    const ptime = this.ptimeMs;
    const frameSamples = ptime * 8;
    const due = (): void => {
      while (start + sent * ptime <= performance.now()) {
        const samples = new Int16Array(frameSamples);
        for (let i = 0; i < frameSamples; i++) {
          let sample = 0;
          for (const f of frequencies) sample += amplitude * Math.sin((2 * Math.PI * f * this.#phase) / 8000);
          samples[i] = Math.round(sample);
          this.#phase++;
        }
        // A packet lost on the way still took its sequence number (RFC 3550 §5.1).
        if (this.dropFrame(sent)) this.#sequence = (this.#sequence + 1) & 0xffff;
        else this.sendRtp(this.payloadType, this.#timestamp, g711Encode(this.codec, samples), false);
        this.#timestamp = (this.#timestamp + frameSamples) >>> 0;
        sent++;
      }
      this.#timer = setTimeout(due, start + sent * ptime - performance.now());
    };
    due();
  }

  /**
   * Plays as `play` does, back to the port Kefu's RTP comes from (from its first packet, if none
   * came yet): a phone sends audio (or its silence) all call long, and Kefu hangs up a leg whose
   * RTP has stopped for its no-RTP timeout (30 s), which a slow test can outlast.
   */
  playBack(hz: number | number[], amplitude = 8000): void {
    const first = [...this.sources][0];
    if (first === undefined) this.#playBack = { hz, amplitude };
    else this.play(portOf(first), hz, amplitude);
  }

  /** Sends one digit as RFC 4733 packets (start, updates, three ends), 20 ms apart. */
  async sendDigit(port: number, digit: DtmfDigit, ms = 100): Promise<void> {
    this.#target = { port, address: '127.0.0.1' };
    const timestamp = this.#timestamp;
    const event = eventOfDigit(digit);
    for (let duration = 160; duration <= ms * 8; duration += 160) {
      const end = duration + 160 > ms * 8;
      const payload = new TelephoneEvent({ event, end, volume: 10, duration }).serialize();
      for (let copy = 0; copy < (end ? 3 : 1); copy++) this.sendRtp(this.telephoneEventPayloadType, timestamp, payload, duration === 160);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.#timestamp = (this.#timestamp + ms * 8) >>> 0;
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.stop();
    this.socket.close();
    if (this.#sendFrom !== this.socket) this.#sendFrom.close();
  }

  /** The last `ms` of audio heard, as linear samples. */
  lastHeard(ms: number): Int16Array {
    return Int16Array.from(this.heard.slice(-ms * 8));
  }

  /** Waits until 160 ms heard from now on are mostly one tone (`hz`), such as a 250 ms recording beep. */
  async untilTone(hz: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const window = 1280;
    let end = this.heard.length + window;
    for (;;) {
      for (; end <= this.heard.length; end += 80) {
        const samples = Int16Array.from(this.heard.slice(end - window, end));
        if (tonePower(samples, hz) > 0.5 * meanSquare(samples) && levelDbfs(samples) > -40) return;
      }
      if (Date.now() > deadline) throw new Error(`no ${hz} Hz tone heard within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  private sendRtp(payloadType: number, timestamp: number, payload: Uint8Array, marker: boolean): void {
    if (this.#target === undefined) return;
    const bytes = new RtpPacket({ payloadType, sequenceNumber: this.#sequence, timestamp, ssrc: 0x1234abcd, payload, marker }).serialize();
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.#sendFrom.send(bytes, this.#target.port, this.#target.address);
  }

  private onPacket(socket: Socket, bytes: Buffer, source: string): void {
    this.sources.add(source);
    if (this.#playBack !== undefined) {
      this.play(portOf(source), this.#playBack.hz, this.#playBack.amplitude);
      this.#playBack = undefined;
    }
    const local = socket.address().port;
    this.receivedOn.set(local, (this.receivedOn.get(local) ?? 0) + 1);
    if (isRtcpPacket(bytes)) {
      this.rtcpPackets++;
      return;
    }
    const parsed = RtpPacket.parse(bytes);
    if (!parsed.ok) return;
    this.firstPacketAt ??= Date.now();
    const packet = parsed.value;
    if (packet.payloadType === this.payloadType) {
      this.audioPackets.push({ bytes: packet.payload.length, timestamp: packet.timestamp });
      for (const sample of g711Decode(this.codec, packet.payload)) {
        this.heard.push(sample);
        if (this.firstSoundAt === undefined && Math.abs(sample) > 1036) this.firstSoundAt = Date.now();
      }
      return;
    }
    for (const notice of this.#receiver.receive(packet, performance.now())) {
      if (notice.kind === 'digit-end') this.digits.push(notice.digit);
    }
  }
}

function portOf(source: string): number {
  return Number(source.split(':').at(-1));
}

function bindLoopback(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

/** Power of one frequency in the samples (Goertzel), normalised as the mean square of a sine at that level. */
export function tonePower(samples: Int16Array, hz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const sample of samples) {
    const s0 = sample + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return (2 * power) / (samples.length * samples.length);
}

/** The strongest frequency between 100 and 3,900 Hz, in 2 Hz steps, and its mean-square level in dBFS. */
export function dominantTone(samples: Int16Array): { hz: number; dbfs: number } {
  let best = { hz: 0, power: 0 };
  for (let hz = 100; hz <= 3900; hz += 2) {
    const power = tonePower(samples, hz);
    if (power > best.power) best = { hz, power };
  }
  return { hz: best.hz, dbfs: 10 * Math.log10(best.power / (32768 * 32768)) };
}

function meanSquare(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return sum / Math.max(1, samples.length);
}

/** RMS level of samples in dBFS. */
export function levelDbfs(samples: Int16Array): number {
  return 10 * Math.log10(meanSquare(samples) / (32768 * 32768));
}
