/**
 * Everything one media worker thread runs: its sessions, their bridges and mixers, the prompt
 * cache, and one media clock whose tick serves every session in one pass — first every session
 * takes what it heard, then the mixers mix, then every session sends. No timer per session.
 */
import { randomInt } from 'node:crypto';
import { MediaClock, type Tick, type TimeSource } from '../clock/media-clock.js';
import { SAMPLES_PER_FRAME, g711Decode, g711Transcode } from '../codecs/g711.js';
import { MediaPlacementError, MediaSessionNotFoundError, MediaStateError } from '../media-errors.js';
import { Mixer, type MixerMode } from '../mixer/mixer.js';
import { SpeechSynthesizer } from '../player/speech.js';
import { WavRecorder } from '../recorder/wav-recorder.js';
import { PortRange } from '../session/port-range.js';
import { RtpSession } from '../session/rtp-session.js';
import type { WebRtcPort, WebRtcPorts } from '../webrtc/webrtc-port.js';
import { LatenessHistogram } from './lateness-histogram.js';
import { PromptCache } from './prompt-cache.js';
import type { MediaCommand, MediaEvent, MediaReplies, RecordOptions, SessionStats, WorkerSettings, WorkerStats } from './protocol.js';

interface Hosted {
  rtp: RtpSession;
  bridge?: string;
  mixer?: string;
  recorder?: WavRecorder;
  inbandDtmf: boolean;
  /** A browser's leg: the port that secures the session's packets. */
  webrtc?: WebRtcPort;
}

/** Ticks between two stats events of a session: every five seconds. */
const STATS_EVERY_TICKS = 250;

export class MediaWorker {
  readonly #sessions = new Map<string, Hosted>();
  readonly #mixers = new Map<string, Mixer>();
  readonly #ports: PortRange;
  readonly #prompts: PromptCache;
  readonly #clock: MediaClock;
  readonly #lateness = new LatenessHistogram();
  #ticks = 0;
  /** Loaded with werift on the first browser's leg: a worker without one never loads it. */
  #webRtcPorts: Promise<WebRtcPorts> | undefined;
  readonly #measureLateness = (dueAt: number): void => this.#lateness.add(this.time.now() - dueAt);

  constructor(
    private readonly settings: WorkerSettings,
    private readonly time: TimeSource,
    private readonly emit: (event: MediaEvent) => void,
    private readonly threadId = 0,
  ) {
    this.#ports = new PortRange(settings.portMin, settings.portMax, settings.host);
    this.#prompts = new PromptCache(new SpeechSynthesizer(settings.speechCacheDir));
    this.#clock = new MediaClock(time, { periodMs: 20, maxCatchUp: 5 }, (tick) => this.tick(tick));
    this.#clock.start();
  }

  async handle<C extends MediaCommand>(command: C): Promise<MediaReplies[C['op']]> {
    return (await this.dispatch(command)) as MediaReplies[C['op']];
  }

  /** Closes every session and stops the clock; recordings in progress are finished. */
  async close(): Promise<void> {
    this.#clock.stop();
    for (const id of [...this.#sessions.keys()]) await this.destroy(id);
  }

  private async dispatch(command: MediaCommand): Promise<MediaReplies[keyof MediaReplies]> {
    switch (command.op) {
      case 'create':
        return this.create(command.session, command.inbandDtmf, command.webrtc);
      case 'remote': {
        const hosted = this.session(command.session);
        const { webrtc, ...remote } = command.remote;
        if ((webrtc === undefined) !== (hosted.webrtc === undefined)) {
          throw new MediaStateError(`session ${command.session} ${hosted.webrtc === undefined ? 'is plain RTP and cannot take' : 'is WebRTC and needs'} a peer's ICE and DTLS parameters`);
        }
        if (webrtc !== undefined) hosted.webrtc?.setRemote(webrtc);
        await hosted.rtp.setRemote(remote);
        return null;
      }
      case 'play': {
        const { rtp } = this.session(command.session);
        if (rtp.remote === undefined) throw new MediaStateError(`session ${command.session} has no remote address yet`);
        const codec = rtp.codec;
        const frames = await Promise.all(command.items.map((item) => this.#prompts.encoded(item, codec)));
        rtp.play(frames, command.options);
        return null;
      }
      case 'stop-play':
        this.session(command.session).rtp.player.stop();
        return null;
      case 'record':
        return this.record(command.session, command.options);
      case 'recording':
        return this.recording(command.session, command.action);
      case 'bridge':
        return this.bridge(command.session, command.other);
      case 'unbridge':
        this.unbridge(command.session);
        return null;
      case 'mixer-join':
        return this.joinMixer(command.session, command.mixer, command.mode);
      case 'mixer-leave':
        this.leaveMixer(command.session);
        return null;
      case 'dtmf': {
        const { rtp } = this.session(command.session);
        if (rtp.remote?.telephoneEventPayloadType === undefined) {
          throw new MediaStateError(`session ${command.session}'s peer took no telephone-event payload type`);
        }
        await new Promise<void>((resolve) => rtp.sendDtmf(command.digits, command.options, resolve));
        return null;
      }
      case 'stats':
        return this.stats(command.session);
      case 'destroy':
        return this.destroy(command.session);
      case 'worker-stats':
        return this.workerStats(command.reset);
      case 'prepare':
        for (const item of command.items) {
          await this.#prompts.encoded(item, 'PCMU');
          await this.#prompts.encoded(item, 'PCMA');
        }
        return null;
      default: {
        const impossible: never = command;
        return impossible;
      }
    }
  }

  private async create(id: string, inbandDtmf: boolean, secure: boolean): Promise<MediaReplies['create']> {
    if (this.#sessions.has(id)) throw new MediaStateError(`session ${id} exists already`);
    const webRtcPort = secure ? await (this.#webRtcPorts ??= import('../webrtc/webrtc-port.js').then((module) => module.webRtcPorts())) : undefined;
    const { socket, port } = await this.#ports.bindRtp();
    const webrtc = webRtcPort?.(socket, (reason) => this.emit({ kind: 'webrtc-failed', session: id, reason }));
    const rtp = new RtpSession({
      id,
      socket: webrtc ?? socket,
      port,
      time: this.time,
      random: () => randomInt(0, 0x1_0000_0000) / 0x1_0000_0000,
      noRtpTimeoutMs: this.settings.noRtpTimeoutMs,
      symmetric: this.settings.symmetricRtp,
      inbandDtmf,
      openRtcpSocket: () => this.#ports.bindRtcp(port),
      events: {
        dtmf: (digit, durationMs, via) => {
          this.emit({ kind: 'dtmf', session: id, digit, durationMs, via });
          // A bridge carries digits as RFC 4733 events, whichever way they arrived.
          const other = this.#sessions.get(this.#sessions.get(id)?.bridge ?? '');
          if (other?.rtp.remote?.telephoneEventPayloadType !== undefined) other.rtp.sendDtmf([digit], { durationMs }, () => undefined);
        },
        timeout: (silentMs) => this.emit({ kind: 'timeout', session: id, silentMs: Math.round(silentMs) }),
        played: (end) => this.emit({ kind: 'played', session: id, end }),
      },
    });
    this.#sessions.set(id, { rtp, inbandDtmf, ...(webrtc === undefined ? {} : { webrtc }) });
    this.updateDecoding(id);
    return webrtc === undefined ? { port } : { port, webrtc: { ...webrtc.local, ssrc: rtp.ssrc } };
  }

  private record(id: string, options: RecordOptions): null {
    const hosted = this.session(id);
    if (hosted.recorder !== undefined) throw new MediaStateError(`session ${id} is recording already`);
    hosted.recorder = new WavRecorder(options.path, { ...options, sampleRate: 8000 });
    this.updateDecoding(id);
    return null;
  }

  private async recording(id: string, action: 'pause' | 'resume' | 'stop'): Promise<MediaReplies['recording']> {
    const hosted = this.session(id);
    const recorder = hosted.recorder;
    if (recorder === undefined) throw new MediaStateError(`session ${id} is not recording`);
    if (action === 'pause') recorder.pause();
    else if (action === 'resume') recorder.resume();
    else return this.finishRecording(id, hosted);
    return null;
  }

  private async finishRecording(id: string, hosted: Hosted): Promise<MediaReplies['recording']> {
    const recorder = hosted.recorder;
    if (recorder === undefined) return null;
    hosted.recorder = undefined;
    this.updateDecoding(id);
    const recording = await recorder.stop();
    this.emit({ kind: 'recorded', session: id, recording });
    return recording;
  }

  private bridge(id: string, otherId: string): null {
    const a = this.session(id);
    const b = this.session(otherId);
    if (id === otherId) throw new MediaStateError('a session cannot be bridged to itself');
    if (a.mixer !== undefined || b.mixer !== undefined) throw new MediaStateError('a session in a mixer cannot be bridged');
    this.unbridge(id);
    this.unbridge(otherId);
    a.bridge = otherId;
    b.bridge = id;
    this.updateDecoding(id);
    this.updateDecoding(otherId);
    return null;
  }

  private unbridge(id: string): void {
    const hosted = this.session(id);
    const otherId = hosted.bridge;
    hosted.bridge = undefined;
    hosted.rtp.feed = undefined;
    this.updateDecoding(id);
    const other = otherId === undefined ? undefined : this.#sessions.get(otherId);
    if (other === undefined || otherId === undefined) return;
    other.bridge = undefined;
    other.rtp.feed = undefined;
    this.updateDecoding(otherId);
  }

  private joinMixer(id: string, mixerId: string, mode: MixerMode): null {
    const hosted = this.session(id);
    if (hosted.bridge !== undefined) throw new MediaStateError(`session ${id} is bridged; unbridge it first`);
    if (hosted.mixer !== undefined && hosted.mixer !== mixerId) this.leaveMixer(id);
    if (mode.kind === 'whisper' && this.#sessions.get(mode.to)?.mixer !== mixerId) {
      throw new MediaPlacementError(`session ${mode.to} is not in mixer ${mixerId}`);
    }
    let mixer = this.#mixers.get(mixerId);
    if (mixer === undefined) {
      mixer = new Mixer(SAMPLES_PER_FRAME);
      this.#mixers.set(mixerId, mixer);
    }
    mixer.set(id, mode);
    hosted.mixer = mixerId;
    this.updateDecoding(id);
    return null;
  }

  private leaveMixer(id: string): void {
    const hosted = this.session(id);
    if (hosted.mixer === undefined) return;
    const mixer = this.#mixers.get(hosted.mixer);
    mixer?.remove(id);
    if (mixer?.size === 0) this.#mixers.delete(hosted.mixer);
    hosted.mixer = undefined;
    hosted.rtp.feed = undefined;
    this.updateDecoding(id);
  }

  private stats(id: string): SessionStats {
    const { rtp, webrtc } = this.session(id);
    const s = rtp.statistics();
    const stats: SessionStats = { sent: s.sent, received: s.received, lost: s.lost, jitterMs: s.jitterMs, malformed: s.malformed, unknownPayloadType: s.unknownPayloadType, foreignSource: s.foreignSource };
    if (webrtc !== undefined) stats.webrtc = { secured: webrtc.secured, ...webrtc.counts };
    return stats;
  }

  private async destroy(id: string): Promise<SessionStats> {
    const hosted = this.session(id);
    this.unbridge(id);
    this.leaveMixer(id);
    await this.finishRecording(id, hosted);
    const stats = this.stats(id);
    hosted.rtp.close();
    this.#ports.release(hosted.rtp.port);
    this.#sessions.delete(id);
    return stats;
  }

  private workerStats(reset: boolean): WorkerStats {
    const stats: WorkerStats = {
      worker: this.settings.index,
      threadId: this.threadId,
      sessions: this.#sessions.size,
      ticks: this.#ticks,
      skippedTicks: this.#clock.skipped,
      sendLateMs: this.#lateness.summary(),
    };
    if (reset) this.#lateness.reset();
    return stats;
  }

  private session(id: string): Hosted {
    const hosted = this.#sessions.get(id);
    if (hosted === undefined) throw new MediaSessionNotFoundError(`no media session ${id} on this worker`);
    return hosted;
  }

  /** A session decodes what it hears only when something uses the audio. */
  private updateDecoding(id: string): void {
    const hosted = this.#sessions.get(id);
    if (hosted === undefined) return;
    hosted.rtp.decodes = hosted.inbandDtmf || hosted.recorder !== undefined || hosted.bridge !== undefined || hosted.mixer !== undefined;
  }

  private tick(tick: Tick): void {
    this.#ticks++;
    const now = tick.dueAt;
    for (const hosted of this.#sessions.values()) hosted.rtp.receive(now);
    this.mix();
    for (const [id, hosted] of this.#sessions) {
      const partner = hosted.bridge === undefined ? undefined : this.#sessions.get(hosted.bridge);
      if (partner !== undefined) {
        const heard = partner.rtp.heardPayload;
        hosted.rtp.feed = heard === undefined ? undefined : g711Transcode(partner.rtp.codec, hosted.rtp.codec, heard);
      }
      const sent = hosted.rtp.send(now);
      // dgram hands a packet to the kernel on the next tick of the event loop (after its address
      // lookup); a callback queued now runs just after that, when the packet has really left.
      if (sent !== undefined) process.nextTick(this.#measureLateness, tick.dueAt);
      if (hosted.recorder !== undefined) this.writeRecording(id, hosted, sent);
      if ((this.#ticks + hosted.rtp.port / 2) % STATS_EVERY_TICKS === 0 && hosted.rtp.remote !== undefined) {
        this.emit({ kind: 'stats', session: id, stats: this.stats(id) });
      }
    }
  }

  private mix(): void {
    if (this.#mixers.size === 0) return;
    const members = new Map<string, Map<string, Int16Array>>();
    for (const [id, hosted] of this.#sessions) {
      if (hosted.mixer === undefined) continue;
      hosted.rtp.feed = undefined;
      let frames = members.get(hosted.mixer);
      if (frames === undefined) members.set(hosted.mixer, (frames = new Map()));
      if (hosted.rtp.heard !== undefined) frames.set(id, hosted.rtp.heard);
    }
    for (const [mixerId, mixer] of this.#mixers) {
      const out = mixer.mix(members.get(mixerId) ?? new Map());
      for (const [id, frame] of out) {
        const hosted = this.#sessions.get(id);
        if (hosted !== undefined) hosted.rtp.feed = frame;
      }
    }
  }

  private writeRecording(id: string, hosted: Hosted, sent: Uint8Array | undefined): void {
    const recorder = hosted.recorder as WavRecorder;
    const heard = hosted.rtp.heard ?? new Int16Array(SAMPLES_PER_FRAME);
    const said = sent === undefined ? new Int16Array(SAMPLES_PER_FRAME) : g711Decode(hosted.rtp.codec, sent);
    // Ended by its maximum length or by silence: finish it and say so.
    if (!recorder.write([heard, said])) void this.finishRecording(id, hosted);
  }
}
