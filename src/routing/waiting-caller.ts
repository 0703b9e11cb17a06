/**
 * A caller waiting in (or served from) a queue, as the flow that put them there sees it (the
 * `QueueTicket`): when to announce their place, what the queue offers them meanwhile, the
 * callback they may ask for instead of waiting, and the moment an agent answers (D2).
 */
import type { HandOff, QueueOutcome, QueueRequest, QueueTicket, WaitingExperience } from '../calls/index.js';
import type { ScreenPopData, TransferTarget } from '../events/index.js';
import type { InteractionId, ReservationId } from './ids.js';
import type { AgentRow, NewInteractionRow, ScreenPopSource } from './ports.js';

/** Where a caller goes once a transfer released their agent: back into a queue, or to a flow. */
export type NextStop = { queue: string } | { hand: HandOff };

export class WaitingCaller implements QueueTicket {
  state: 'waiting' | 'connected' | 'done' = 'waiting';
  readonly done: Promise<QueueOutcome>;
  #settle!: (outcome: QueueOutcome) => void;
  announce: ((position: number, expectedWaitSeconds: number) => void) | undefined;
  #agent: ((agentNumber: string) => Promise<void>) | undefined;
  /** Ringing offers, by reservation: how to stop each. */
  readonly offers = new Map<ReservationId, () => void>();
  queue: string;
  /** The caller chose a callback (or the queue overflowed to one): their call may end, the interaction stays. */
  callingBack = false;
  /** Why the interaction ended, when not simply completed (a callback nobody answered). */
  endCause: string | undefined;
  /**
   * The agent the caller talks to now and the core's id of that agent's work: the interaction's
   * own once answered from the queue, another after a transfer gave it to an agent; none after a
   * transfer to someone who is not an agent.
   */
  agent: AgentRow | undefined;
  work: InteractionId | undefined;
  /** The core's id of the caller's place in a queue: the interaction's own, another after a transfer put them back in a queue. */
  queuedAs: InteractionId;
  /** Where a transfer asked by the API sends the caller once their agent is released. */
  next: NextStop | undefined;
  /** What the next transfer reaches when the number dialled does not say it (a department). */
  transferTarget: TransferTarget | undefined;
  #back = waiter();
  /** Whether `row()` is known to be stored: a reservation need not insert it again. */
  rowStored = false;
  /** What the agent's screen shows of this caller (C6), read once when they enter the queue. */
  screenPop: Promise<ScreenPopData | undefined> = Promise.resolve(undefined);

  constructor(
    readonly id: InteractionId,
    readonly request: QueueRequest,
    readonly since: number,
    readonly experience: WaitingExperience,
    /** Tells routing the caller keeps their place as a callback; false when it refused. */
    private readonly keepPlace: () => boolean,
  ) {
    this.queue = request.queue;
    this.queuedAs = id;
    this.done = new Promise((resolve) => (this.#settle = resolve));
  }

  onAnnounce(listener: (position: number, expectedWaitSeconds: number) => void): void {
    this.announce = listener;
  }

  onAgent(listener: (agentNumber: string) => Promise<void>): void {
    this.#agent = listener;
  }

  /** An agent answered: the caller hears what the queue says of it before being connected. */
  async agentAnswered(agentNumber: string): Promise<void> {
    if (this.experience.announceAgentId) await this.#agent?.(agentNumber);
  }

  /** The interaction's row as the caller entered the queue. */
  row(): NewInteractionRow {
    const { request } = this;
    return {
      id: this.id,
      channel: 'voice',
      queue: request.queue,
      sipCallId: request.sipCallId,
      caller: request.caller ?? null,
      priority: request.priority,
      vip: request.vip,
      createdAt: new Date(this.since),
    };
  }

  backInQueue(): Promise<void> {
    return this.#back.promise;
  }

  /** A transfer put the caller back in `queue` (the core knows them there as `queuedAs`). */
  requeued(queue: string, queuedAs: InteractionId): void {
    this.queue = queue;
    this.queuedAs = queuedAs;
    this.state = 'waiting';
    const back = this.#back;
    this.#back = waiter();
    back.resolve();
  }

  requestCallback(): boolean {
    if (this.state !== 'waiting' || this.callingBack || this.experience.callback === undefined) return false;
    if (this.request.caller === undefined || this.offers.size > 0 || !this.keepPlace()) return false;
    this.becomeCallback();
    return true;
  }

  /** The caller leaves the line and will be called back; the flow tells them so. */
  becomeCallback(): void {
    this.callingBack = true;
    this.finish({ served: false, reason: 'callback' });
  }

  finish(outcome: QueueOutcome): void {
    this.state = 'done';
    this.#settle(outcome);
  }
}

/** A promise with its resolve, until Node 22's `Promise.withResolvers`. */
function waiter(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** The offer's screen pop: the customer's records and this call's way through the IVR (C6). */
export async function readScreenPop(
  source: ScreenPopSource | undefined,
  tenantId: string,
  log: { warn(fields: object, message: string): void },
  waiting: WaitingCaller,
): Promise<ScreenPopData | undefined> {
  if (source === undefined) return undefined;
  const { caller, customerId, ivr } = waiting.request;
  const records = await source.lookup(tenantId, caller ?? null, customerId, waiting.id).catch((error: unknown) => {
    log.warn({ tenant: tenantId, err: String(error) }, 'screen pop records not read');
    return { caller: caller ?? null, customer: null, recentInteractions: [], cases: [] };
  });
  return { ...records, ivr: ivr ?? { path: [], keys: [] } };
}
