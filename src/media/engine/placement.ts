/**
 * Which worker holds each session, group and mixer, and how many sessions each worker holds:
 * where a new session goes (its neighbour's worker, its group's, or the least loaded that
 * works), and whether two sessions can be bridged or mixed (only on one worker).
 */
import { MediaPlacementError, MediaSessionNotFoundError, MediaWorkerError } from '../media-errors.js';

export interface PlaceOptions {
  group?: string;
  near?: string;
}

export class Placement {
  readonly #workerOf = new Map<string, number>();
  readonly #groups = new Map<string, { worker: number; sessions: number }>();
  readonly #groupOf = new Map<string, string>();
  /** Each mixer lives on one worker; its members are sessions there. */
  readonly #mixers = new Map<string, { worker: number; members: Set<string> }>();
  readonly #load: number[];

  constructor(workers: number) {
    this.#load = Array.from({ length: workers }, () => 0);
  }

  /** The worker for a new session; `works` says which workers take sessions. */
  choose(options: PlaceOptions, works: (worker: number) => boolean): number {
    if (options.near !== undefined) {
      const worker = this.#workerOf.get(options.near);
      if (worker === undefined) throw new MediaSessionNotFoundError(`no media session ${options.near} to place near`);
      return worker;
    }
    const group = options.group === undefined ? undefined : this.#groups.get(options.group);
    if (group !== undefined) return group.worker;
    let best: number | undefined;
    this.#load.forEach((load, worker) => {
      if (works(worker) && (best === undefined || load < this.#load[best]!)) best = worker;
    });
    if (best === undefined) throw new MediaWorkerError('every media worker has failed');
    return best;
  }

  add(session: string, worker: number, group: string | undefined): void {
    this.#workerOf.set(session, worker);
    this.#load[worker]!++;
    if (group === undefined) return;
    const entry = this.#groups.get(group) ?? { worker, sessions: 0 };
    entry.sessions++;
    this.#groups.set(group, entry);
    this.#groupOf.set(session, group);
  }

  workerOf(session: string): number | undefined {
    return this.#workerOf.get(session);
  }

  forget(session: string): void {
    const worker = this.#workerOf.get(session);
    if (worker === undefined) return;
    this.leftMixers(session);
    this.#workerOf.delete(session);
    this.#load[worker]!--;
    const name = this.#groupOf.get(session);
    this.#groupOf.delete(session);
    const group = name === undefined ? undefined : this.#groups.get(name);
    if (name !== undefined && group !== undefined && --group.sessions === 0) this.#groups.delete(name);
  }

  /** Forgets a dead worker's sessions and mixers; answers its sessions. */
  lost(worker: number): string[] {
    const sessions = [...this.#workerOf].filter(([, at]) => at === worker).map(([session]) => session);
    for (const session of sessions) this.forget(session);
    for (const [name, entry] of this.#mixers) if (entry.worker === worker) this.#mixers.delete(name);
    return sessions;
  }

  together(a: string, b: string): boolean {
    const worker = this.#workerOf.get(a);
    return worker !== undefined && worker === this.#workerOf.get(b);
  }

  /** Throws unless both sessions exist on one worker. */
  sameWorker(a: string, b: string): void {
    const wa = this.#workerOf.get(a);
    const wb = this.#workerOf.get(b);
    if (wa === undefined) throw new MediaSessionNotFoundError(`no media session ${a}`);
    if (wb === undefined) throw new MediaSessionNotFoundError(`no media session ${b}`);
    if (wa !== wb) throw new MediaPlacementError(`sessions ${a} and ${b} are on different workers: create them in one group`);
  }

  /** Throws unless `session` can join `mixer` (on the mixer's worker). */
  canJoin(session: string, mixer: string): void {
    const hosted = this.#mixers.get(mixer);
    if (hosted !== undefined && hosted.worker !== this.#workerOf.get(session)) {
      throw new MediaPlacementError(`mixer ${mixer} is on another worker than session ${session}: create its members in one group`);
    }
  }

  joined(session: string, mixer: string): void {
    this.leftMixers(session);
    const entry = this.#mixers.get(mixer) ?? { worker: this.#workerOf.get(session)!, members: new Set<string>() };
    entry.members.add(session);
    this.#mixers.set(mixer, entry);
  }

  leftMixers(session: string): void {
    for (const [name, entry] of this.#mixers) {
      if (entry.members.delete(session) && entry.members.size === 0) this.#mixers.delete(name);
    }
  }
}
