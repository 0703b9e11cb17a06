/**
 * The owner's side of the media workers: starts one worker thread per core (or as configured),
 * places sessions on them (placement.ts), turns commands into promises and worker messages into
 * typed events. Sessions that bridge or mix must share a worker: name a `group` when creating
 * them, or place a session `near` one that exists. Each worker gets its own slice of the RTP port
 * range.
 *
 * A worker thread that dies (an uncaught error, a crash) is replaced by a new one on the same
 * ports: each session it held ends with a `worker-failed` event, and new sessions go to the
 * replacement. A worker that dies within a second of its start is not replaced again (it would
 * only die again); its slot refuses sessions. Each worker keeps a few RTP ports bound ahead, so a
 * plain session is placed on one without a round trip to its thread.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DtmfDigit } from '../dtmf/dtmf-digit.js';
import { MediaSessionNotFoundError, MediaWorkerError, mediaErrorOf } from '../media-errors.js';
import type { MixerMode } from '../mixer/mixer.js';
import type { PlayOptions } from '../player/player.js';
import type { DtmfSendOptions } from '../session/dtmf-sender.js';
import type { MediaCommand, MediaEvent, MediaRemote, MediaReplies, OwnerMessage, PlayItem, RecordOptions, WebRtcIdentity, WorkerMessage, WorkerSettings, WorkerStats } from './protocol.js';
import { Placement } from './placement.js';
import { SparePorts } from './spare-ports.js';

export interface MediaEngineOptions {
  workers: number;
  host: string;
  portMin: number;
  portMax: number;
  noRtpTimeoutMs: number;
  symmetricRtp: boolean;
  /** Where synthesised speech is cached (KEFU_DATA_DIR/media/speech). */
  speechCacheDir: string;
}

export interface CreateSessionOptions {
  /** Sessions of one group share a worker (the legs of a bridge, a conference). */
  group?: string;
  /** Place the new session on the worker of this one. */
  near?: string;
  /** Detect DTMF tones in the audio too (peers that send digits in-band). */
  inbandDtmf?: boolean;
  /** A browser's leg: ICE-lite, DTLS-SRTP and rtcp-mux on the port (src/media/webrtc/). */
  webrtc?: boolean;
}

export interface MediaSessionInfo {
  id: string;
  port: number;
  worker: number;
  /** For a WebRTC session: what its SDP must say. */
  webrtc?: WebRtcIdentity;
}

/** The events, by kind, each with its payload. */
export type MediaEvents = { [K in MediaEvent['kind']]: Extract<MediaEvent, { kind: K }> };

interface WorkerHandle {
  thread: Worker;
  settings: WorkerSettings;
  startedAt: number;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
  failed?: Error;
  /** What the thread died of, when it raised an error before it exited. */
  error?: Error;
  exited?: boolean;
}

/**
 * RTP ports each worker binds ahead of need (spare-ports.ts), so that a plain session's port is
 * known without waiting for its worker; none when a worker's share of the range is smaller than
 * SPARES_FROM_PORTS RTP ports.
 */
const SPARE_PORTS = 4;
const SPARES_FROM_PORTS = 32;

/** A worker that dies sooner than this after its start is not replaced again. */
const REPLACE_AFTER_LIVING_MS = 1000;

function workerHandle(settings: WorkerSettings): WorkerHandle {
  return { thread: startThread(settings), settings, startedAt: performance.now(), pending: new Map() };
}

export class MediaEngine {
  readonly #workers: WorkerHandle[];
  readonly #placement: Placement;
  readonly #events = new EventEmitter();
  readonly #spares: SparePorts;
  #nextId = 1;
  #nextSession = 1;
  #stopped = false;

  private constructor(workers: WorkerHandle[], spares: number) {
    this.#workers = workers;
    this.#placement = new Placement(workers.length);
    this.#spares = new SparePorts(workers.length, (worker) => this.command(worker, { op: 'park' }).then((parked) => parked.port), spares);
  }

  /** Starts the workers; resolves when every one is up. */
  static async start(options: MediaEngineOptions): Promise<MediaEngine> {
    const count = Math.max(1, options.workers);
    const span = Math.floor((options.portMax - options.portMin + 1) / count);
    if (span < 2) throw new MediaWorkerError(`the RTP port range ${options.portMin}-${options.portMax} is too small for ${count} workers`);
    const handles = Array.from({ length: count }, (_, index): WorkerHandle => {
      const settings: WorkerSettings = {
        index,
        host: options.host,
        portMin: options.portMin + index * span,
        portMax: options.portMin + (index + 1) * span - 1,
        noRtpTimeoutMs: options.noRtpTimeoutMs,
        symmetricRtp: options.symmetricRtp,
        speechCacheDir: options.speechCacheDir,
      };
      return workerHandle(settings);
    });
    // RTP ports of a worker's share: half of the share's ports, an RTCP one beside each.
    const spares = span / 2 >= SPARES_FROM_PORTS ? SPARE_PORTS : 0;
    const engine = new MediaEngine(handles, spares);
    handles.forEach((handle, index) => engine.listen(handle, index));
    try {
      await Promise.all(handles.map((_, index) => engine.command(index, { op: 'worker-stats', reset: false })));
    } catch (error) {
      await engine.stop();
      throw error;
    }
    handles.forEach((_, index) => engine.#spares.fill(index));
    return engine;
  }

  get workerCount(): number {
    return this.#workers.length;
  }

  on<K extends keyof MediaEvents>(kind: K, listener: (event: MediaEvents[K]) => void): () => void {
    this.#events.on(kind, listener);
    return () => this.#events.off(kind, listener);
  }

  async createSession(options: CreateSessionOptions = {}): Promise<MediaSessionInfo> {
    if (this.#stopped) throw new MediaWorkerError('the media engine is stopped');
    const worker = this.#placement.choose(options, (index) => this.#workers[index]?.failed === undefined);
    const id = `m${this.#nextSession++}`;
    this.#placement.add(id, worker, options.group);
    const inbandDtmf = options.inbandDtmf ?? false;
    const spare = options.webrtc === true ? undefined : this.#spares.take(worker);
    if (spare !== undefined) {
      // The port is bound: the worker makes the session as it reads this, before any later command.
      this.command(worker, { op: 'create', session: id, inbandDtmf, webrtc: false, port: spare }).catch(() => this.#placement.forget(id));
      return { id, port: spare, worker };
    }
    try {
      const created = await this.command(worker, { op: 'create', session: id, inbandDtmf, webrtc: options.webrtc ?? false });
      return { id, port: created.port, worker, ...(created.webrtc === undefined ? {} : { webrtc: created.webrtc }) };
    } catch (error) {
      this.#placement.forget(id);
      throw error;
    }
  }

  setRemote(session: string, remote: MediaRemote): Promise<null> {
    return this.toSession(session, { op: 'remote', session, remote });
  }

  /** Starts playing; the `played` event says how it ended. */
  play(session: string, items: PlayItem[], options: PlayOptions = {}): Promise<null> {
    return this.toSession(session, { op: 'play', session, items, options });
  }

  stopPlaying(session: string): Promise<null> {
    return this.toSession(session, { op: 'stop-play', session });
  }

  record(session: string, options: RecordOptions): Promise<null> {
    return this.toSession(session, { op: 'record', session, options });
  }

  pauseRecording(session: string): Promise<unknown> {
    return this.toSession(session, { op: 'recording', session, action: 'pause' });
  }

  resumeRecording(session: string): Promise<unknown> {
    return this.toSession(session, { op: 'recording', session, action: 'resume' });
  }

  /** Ends the recording; answers with its path, duration and SHA-256 (also sent as `recorded`). */
  stopRecording(session: string): Promise<MediaReplies['recording']> {
    return this.toSession(session, { op: 'recording', session, action: 'stop' });
  }

  /** Relays audio both ways (transcoding between µ-law and A-law) and digits as RFC 4733. */
  async bridge(a: string, b: string): Promise<null> {
    this.#placement.sameWorker(a, b);
    return this.toSession(a, { op: 'bridge', session: a, other: b });
  }

  /** Whether two sessions live on one worker, so that they can be bridged. */
  together(a: string, b: string): boolean {
    return this.#placement.together(a, b);
  }

  unbridge(session: string): Promise<null> {
    return this.toSession(session, { op: 'unbridge', session });
  }

  /** Joins a mixer (created on first join) or changes the mode of a member. */
  async joinMixer(session: string, mixer: string, mode: MixerMode = { kind: 'talk' }): Promise<null> {
    if (mode.kind === 'whisper') this.#placement.sameWorker(session, mode.to);
    this.#placement.canJoin(session, mixer);
    const result = await this.toSession(session, { op: 'mixer-join', session, mixer, mode });
    this.#placement.joined(session, mixer);
    return result;
  }

  async leaveMixer(session: string): Promise<null> {
    const result = await this.toSession(session, { op: 'mixer-leave', session });
    this.#placement.leftMixers(session);
    return result;
  }

  /** Sends digits as RFC 4733 events; resolves when the last end packet has gone. */
  sendDtmf(session: string, digits: string, options: DtmfSendOptions = {}): Promise<null> {
    return this.toSession(session, { op: 'dtmf', session, digits: [...digits] as DtmfDigit[], options });
  }

  stats(session: string): Promise<MediaReplies['stats']> {
    return this.toSession(session, { op: 'stats', session });
  }

  /** Closes the session (finishing a recording) and answers with its final statistics. */
  async destroy(session: string): Promise<MediaReplies['destroy']> {
    try {
      return await this.toSession(session, { op: 'destroy', session });
    } finally {
      this.#placement.forget(session);
    }
  }

  /**
   * Readies prompts and speech on every worker before a call needs them (speech is synthesised
   * once, on the first worker, into the shared disk cache; the others read it from there).
   * Work of the workers' threads, not the owner's: the SIP server's timers keep their time.
   */
  async prepare(items: PlayItem[]): Promise<void> {
    for (let index = 0; index < this.#workers.length; index++) await this.command(index, { op: 'prepare', items });
  }

  /** Per worker: sessions, ticks, and how late packets left (`reset` starts a new measure). */
  workerStats(reset = false): Promise<WorkerStats[]> {
    return Promise.all(this.#workers.map((_, index) => this.command(index, { op: 'worker-stats', reset })));
  }

  /**
   * Ends a worker thread at once, as a crash would: for a worker that no longer answers. Its
   * sessions end with `worker-failed` and a new worker takes its place; resolves once it has.
   */
  async terminateWorker(index: number): Promise<void> {
    const handle = this.#workers[index];
    if (handle === undefined || handle.exited) return;
    const replaced = new Promise<void>((resolve) => handle.thread.once('exit', () => resolve()));
    await handle.thread.terminate();
    await replaced;
  }

  /** Closes every session (finishing recordings) and ends the threads; idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all(
      this.#workers.map(async (handle) => {
        if (handle.exited) return;
        const exited = new Promise((resolve) => handle.thread.once('exit', resolve));
        handle.thread.postMessage({ shutdown: true } satisfies OwnerMessage);
        const timer = setTimeout(() => void handle.thread.terminate(), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private toSession<C extends MediaCommand & { session: string }>(session: string, command: C): Promise<MediaReplies[C['op']]> {
    const worker = this.#placement.workerOf(session);
    if (worker === undefined) return Promise.reject(new MediaSessionNotFoundError(`no media session ${session}`));
    return this.command(worker, command);
  }

  private command<C extends MediaCommand>(worker: number, command: C): Promise<MediaReplies[C['op']]> {
    const handle = this.#workers[worker] as WorkerHandle;
    if (this.#stopped) return Promise.reject(new MediaWorkerError('the media engine is stopped'));
    if (handle.failed !== undefined) return Promise.reject(handle.failed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      handle.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      handle.thread.postMessage({ id, command } satisfies OwnerMessage);
    });
  }

  private listen(handle: WorkerHandle, index: number): void {
    handle.thread.on('message', (message: WorkerMessage) => {
      if (message.type === 'event') {
        this.#events.emit(message.event.kind, message.event);
        return;
      }
      const waiting = handle.pending.get(message.id);
      handle.pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(mediaErrorOf(message.error));
    });
    handle.thread.on('error', (error) => {
      handle.error = error;
    });
    handle.thread.on('exit', (code) => {
      handle.exited = true;
      if (this.#stopped) return;
      const reason = handle.error?.message ?? `exited with code ${code}`;
      handle.failed = new MediaWorkerError(`media worker ${index} failed: ${reason}`);
      for (const waiting of handle.pending.values()) waiting.reject(handle.failed);
      handle.pending.clear();
      this.replace(index, handle, reason);
    });
  }

  /** Ends the sessions of a dead worker and starts a new one in its place. */
  private replace(index: number, dead: WorkerHandle, reason: string): void {
    this.#spares.lost(index);
    const lost = this.#placement.lost(index);
    if (performance.now() - dead.startedAt >= REPLACE_AFTER_LIVING_MS) {
      const replacement = workerHandle(dead.settings);
      this.#workers[index] = replacement;
      this.listen(replacement, index);
      this.#spares.fill(index);
    }
    for (const session of lost) this.#events.emit('worker-failed', { kind: 'worker-failed', session, worker: index, reason } satisfies MediaEvent);
  }
}

/**
 * Starts a worker thread on worker.js beside this file (the built dist/), or on worker.ts when
 * running from source under tsx: Node 20 does not pass tsx's loader hooks to worker threads, so
 * the worker registers them itself before importing its entry.
 */
function startThread(settings: WorkerSettings): Worker {
  const built = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData: settings });
  const source = new URL('./worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: settings });
}
