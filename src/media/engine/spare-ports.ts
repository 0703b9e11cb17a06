/**
 * RTP ports each worker has bound ahead of need, so that a new plain session's port is known at
 * once: the SDP of an INVITE to an agent's phone need not wait for a round trip to a worker
 * thread that may be busy serving its tick (issue 6: caller queued → agent's INVITE). A few per
 * worker; each one taken is replaced in the background. A WebRTC session still waits for its
 * worker: its SDP needs the identity (ICE credentials, DTLS fingerprint) the worker makes.
 */
export class SparePorts {
  readonly #ports: number[][];
  readonly #parking: number[];

  /**
   * @param park binds a port on a worker and answers it (the worker's `park` command)
   * @param perWorker how many each worker keeps bound ahead
   */
  constructor(
    workers: number,
    private readonly park: (worker: number) => Promise<number>,
    private readonly perWorker: number,
  ) {
    this.#ports = Array.from({ length: workers }, () => []);
    this.#parking = Array.from({ length: workers }, () => 0);
  }

  /** Parks ports on `worker` until it keeps `perWorker` of them. */
  fill(worker: number): void {
    const ports = this.#ports[worker];
    if (ports === undefined) return;
    while (ports.length + (this.#parking[worker] ?? 0) < this.perWorker) {
      this.#parking[worker]!++;
      this.park(worker).then(
        (port) => {
          this.#parking[worker]!--;
          // A reply from a worker lost meanwhile is not the replacement's port.
          if (this.#ports[worker] === ports) ports.push(port);
        },
        () => this.#parking[worker]!--,
      );
    }
  }

  /** A port parked on `worker`, if it has one; another is parked in its place. */
  take(worker: number): number | undefined {
    const port = this.#ports[worker]?.shift();
    if (port !== undefined) this.fill(worker);
    return port;
  }

  /** The worker died: its parked ports went with it. */
  lost(worker: number): void {
    this.#ports[worker] = [];
    this.#parking[worker] = 0;
  }
}
