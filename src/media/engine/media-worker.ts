/**
 * Everything one media worker thread runs: its sessions, their bridges and mixers, the prompt
 * cache, and one media clock. The clock ticks every 2 ms and each session is served on a phase of
 * its own, once per ptime (clock/send-schedule.ts): the sessions due on a tick first take what
 * they heard, then the mixers due mix, then those sessions send. No timer per session, and no
 * burst of every session's packet at once. Bridged sessions and mixer members are put on one
 * phase; what one hands another goes through a small sample queue, so that sessions of different
 * ptimes can be bridged and mixed.
 */
import { randomInt } from 'node:crypto';
import { MediaClock, type Tick, type TimeSource } from '../clock/media-clock.js';
import { SendSchedule, TICK_MS } from '../clock/send-schedule.js';
import { g711Decode, g711Encode, g711Transcode } from '../codecs/g711.js';
import { MediaPlacementError, MediaSessionNotFoundError, MediaStateError } from '../media-errors.js';
import type { MixerMode } from '../mixer/mixer.js';
import { QueuedMixer } from '../mixer/queued-mixer.js';
import { SampleQueue } from '../mixer/sample-queue.js';
import { SpeechSynthesizer } from '../player/speech.js';
import { WavRecorder } from '../recorder/wav-recorder.js';
import { PortRange } from '../session/port-range.js';
import { RtpSession } from '../session/rtp-session.js';
import type { WebRtcPort, WebRtcPorts } from '../webrtc/webrtc-port.js';
import { LatenessHistogram } from './lateness-histogram.js';
import { PromptCache } from './prompt-cache.js';
import type { MediaCommand, MediaEvent, MediaReplies, RecordOptions, SessionStats, WorkerSettings, WorkerStats } from './protocol.js';

interface Hosted {
  kind: 'session';
  id: string;
  rtp: RtpSession;
  bridge?: string;
  mixer?: string;
  recorder?: WavRecorder;
  inbandDtmf: boolean;
  /** A browser's leg: the port that secures the session's packets. */
  webrtc?: WebRtcPort;
  /** What a bridge or a mixer gives this session to send, in its codec. */
  feed: SampleQueue<Uint8Array>;
  /** Times served: stats go out every five seconds of them. */
  served: number;
}

/** Seconds between two stats events of a session. */
const STATS_EVERY_MS = 5000;
/** What a session's feed holds at most: 120 ms, two of the longest ptime. */
const QUEUE_SAMPLES = 960;
const MIXER_PERIOD = SendSchedule.periodOf(20);

export class MediaWorker {
  readonly #sessions = new Map<string, Hosted>();
  readonly #mixers = new Map<string, QueuedMixer>();
  /** Started afresh, with the clock, when the first session comes to an idle worker. */
  #schedule = new SendSchedule<Hosted | QueuedMixer>();
  readonly #ports: PortRange;
  readonly #prompts: PromptCache;
  readonly #clock: MediaClock;
  readonly #lateness = new LatenessHistogram();
  #ticks = 0;
  /** Loaded with werift on the first browser's leg: a worker without one never loads it. */
  #webRtcPorts: Promise<WebRtcPorts> | undefined;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly time: TimeSource,
    private readonly emit: (event: MediaEvent) => void,
    private readonly threadId = 0,
  ) {
    this.#ports = new PortRange(settings.portMin, settings.portMax, settings.host);
    this.#prompts = new PromptCache(new SpeechSynthesizer(settings.speechCacheDir));
    // Catching up after a stall goes back 100 ms at most, as when the clock ticked every 20 ms.
    // It runs only while the worker holds sessions: an idle worker does not wake 500 times a second.
    this.#clock = new MediaClock(time, { periodMs: TICK_MS, maxCatchUp: 100 / TICK_MS }, (tick) => this.tick(tick));
  }

  async handle<C extends MediaCommand>(command: C): Promise<MediaReplies[C['op']]> {
    return (await this.dispatch(command)) as MediaReplies[C['op']];
  }

  /** Closes every session and stops the clock; recordings in progress are finished. */
  async close(): Promise<void> {
    this.#clock.stop();
    this.#ports.closeParked();
    for (const id of [...this.#sessions.keys()]) await this.destroy(id);
  }

  private async dispatch(command: MediaCommand): Promise<MediaReplies[keyof MediaReplies]> {
    switch (command.op) {
      case 'create':
        return this.create(command.session, command.inbandDtmf, command.webrtc, command.port);
      case 'park':
        return { port: await this.#ports.park() };
      case 'remote': {
        const hosted = this.session(command.session);
        const { webrtc, ...remote } = command.remote;
        if ((webrtc === undefined) !== (hosted.webrtc === undefined)) {
          throw new MediaStateError(`session ${command.session} ${hosted.webrtc === undefined ? 'is plain RTP and cannot take' : 'is WebRTC and needs'} a peer's ICE and DTLS parameters`);
        }
        if (webrtc !== undefined) hosted.webrtc?.setRemote(webrtc);
        const period = periodOf(remote.ptimeMs ?? 20);
        await hosted.rtp.setRemote(remote);
        hosted.feed.clear();
        this.#schedule.setPeriod(hosted, period);
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

  /**
   * A session on a port bound now, or on `parkedPort`: then nothing here waits, so the commands
   * its owner sent after this one (sent without waiting for the answer) find it.
   */
  private async create(id: string, inbandDtmf: boolean, secure: boolean, parkedPort: number | undefined): Promise<MediaReplies['create']> {
    if (this.#sessions.has(id)) throw new MediaStateError(`session ${id} exists already`);
    const webRtcPort = secure ? await (this.#webRtcPorts ??= import('../webrtc/webrtc-port.js').then((module) => module.webRtcPorts())) : undefined;
    const parked = parkedPort === undefined ? undefined : this.#ports.take(parkedPort);
    if (parkedPort !== undefined && parked === undefined) throw new MediaStateError(`port ${parkedPort} was not parked on this worker`);
    const { socket, port } = parked ?? (await this.#ports.bindRtp());
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
    const hosted: Hosted = { kind: 'session', id, rtp, inbandDtmf, feed: new SampleQueue((n) => new Uint8Array(n), QUEUE_SAMPLES), served: 0, ...(webrtc === undefined ? {} : { webrtc }) };
    this.#sessions.set(id, hosted);
    if (!this.#clock.running) {
      this.#schedule = new SendSchedule();
      this.#clock.start();
    }
    this.#schedule.add(hosted, periodOf(20));
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
    this.#schedule.follow(b, a);
    this.updateDecoding(id);
    this.updateDecoding(otherId);
    return null;
  }

  private unbridge(id: string): void {
    const hosted = this.session(id);
    const otherId = hosted.bridge;
    hosted.bridge = undefined;
    hosted.feed.clear();
    this.updateDecoding(id);
    const other = otherId === undefined ? undefined : this.#sessions.get(otherId);
    if (other === undefined || otherId === undefined) return;
    other.bridge = undefined;
    other.feed.clear();
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
      mixer = new QueuedMixer();
      this.#mixers.set(mixerId, mixer);
      this.#schedule.add(mixer, MIXER_PERIOD);
      this.#schedule.follow(mixer, hosted);
    }
    mixer.set(id, mode);
    if (hosted.mixer !== mixerId) this.#schedule.follow(hosted, mixer);
    hosted.mixer = mixerId;
    this.updateDecoding(id);
    return null;
  }

  private leaveMixer(id: string): void {
    const hosted = this.session(id);
    if (hosted.mixer === undefined) return;
    const mixer = this.#mixers.get(hosted.mixer);
    mixer?.remove(id);
    if (mixer !== undefined && mixer.size === 0) {
      this.#mixers.delete(hosted.mixer);
      this.#schedule.remove(mixer);
    }
    hosted.mixer = undefined;
    hosted.feed.clear();
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
    this.#schedule.remove(hosted);
    if (this.#schedule.size === 0) this.#clock.stop();
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
    const due = this.#schedule.take(tick.index);
    if (due.length === 0) return;
    const now = tick.dueAt;
    for (const served of due) if (served.kind === 'session') this.hear(served, now);
    for (const served of due) if (served.kind === 'mixer') this.mix(served);
    for (const served of due) if (served.kind === 'session') this.say(served, now);
  }

  /** A session takes what it heard, and hands it to its bridge's partner or its mixer. */
  private hear(hosted: Hosted, now: number): void {
    const { rtp } = hosted;
    rtp.receive(now);
    if (hosted.bridge !== undefined && rtp.heardPayload !== undefined) {
      const partner = this.#sessions.get(hosted.bridge);
      partner?.feed.put(g711Transcode(rtp.codec, partner.rtp.codec, rtp.heardPayload));
    }
    if (hosted.mixer !== undefined && rtp.heard !== undefined) this.#mixers.get(hosted.mixer)?.said(hosted.id, rtp.heard);
  }

  /** A mixer mixes 20 ms of what its members said and gives each what it is to hear. */
  private mix(mixer: QueuedMixer): void {
    for (const [id, frame] of mixer.mix()) {
      const member = this.#sessions.get(id);
      member?.feed.put(g711Encode(member.rtp.codec, frame));
    }
  }

  /** A session sends its frame: a digit's packet, its prompt, else what its feed holds, else silence. */
  private say(hosted: Hosted, now: number): void {
    const { rtp, feed } = hosted;
    const samples = rtp.frameSamples;
    let fed: Uint8Array | undefined;
    if (feed.length >= samples) {
      fed = new Uint8Array(samples);
      feed.take(fed);
    }
    rtp.feed = fed;
    const sent = rtp.send(now);
    // The packet has left: the sockets answer address lookups at once (session/port-range.ts),
    // so dgram hands it to the kernel inside send().
    if (sent !== undefined) this.#lateness.add(this.time.now() - now);
    if (hosted.recorder !== undefined) this.writeRecording(hosted, sent);
    const statsEvery = Math.round(STATS_EVERY_MS / ((samples * 1000) / 8000));
    if ((++hosted.served + rtp.port / 2) % statsEvery === 0 && rtp.remote !== undefined) {
      this.emit({ kind: 'stats', session: hosted.id, stats: this.stats(hosted.id) });
    }
  }

  private writeRecording(hosted: Hosted, sent: Uint8Array | undefined): void {
    const recorder = hosted.recorder as WavRecorder;
    const samples = hosted.rtp.frameSamples;
    const heard = hosted.rtp.heard ?? new Int16Array(samples);
    const said = sent === undefined ? new Int16Array(samples) : g711Decode(hosted.rtp.codec, sent);
    // Ended by its maximum length or by silence: finish it and say so.
    if (!recorder.write([heard, said])) void this.finishRecording(hosted.id, hosted);
  }
}

/** The schedule's period for a ptime, or the command's error for one the engine does not take. */
function periodOf(ptimeMs: number): number {
  try {
    return SendSchedule.periodOf(ptimeMs);
  } catch (error) {
    throw new MediaStateError((error as Error).message);
  }
}
