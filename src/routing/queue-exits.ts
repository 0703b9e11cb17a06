/**
 * How a caller leaves the queue other than to an agent (C5): an overflow (to another queue, a
 * flow, voicemail or a callback) or their own choice of a callback, which keeps their place.
 */
import type { OverflowTo } from '../calls/index.js';
import type { Decision, RoutingEvent } from './events.js';
import type { InteractionId } from './ids.js';
import type { CallbackCalls, RoutingEvents, RoutingStore } from './ports.js';
import type { WaitingCaller } from './waiting-caller.js';

export interface QueueExitContext {
  tenantId: string;
  store: RoutingStore;
  events: RoutingEvents;
  now(): number;
  callbacks?: CallbackCalls | undefined;
  waiting: Map<InteractionId, WaitingCaller>;
  /** The interaction a queue presence of the core belongs to. */
  interactionOf(queued: InteractionId): InteractionId;
  step(event: RoutingEvent): Decision[];
  /** Runs `work` after every decision so far has been carried out. */
  after(work: () => Promise<void>): void;
}

export class QueueExits {
  constructor(private readonly context: QueueExitContext) {}

  async overflow(d: Extract<Decision, { type: 'overflow' }>): Promise<void> {
    const { store, tenantId, events } = this.context;
    const at = new Date(d.at);
    const id = this.context.interactionOf(d.interaction);
    await store.addEvent(tenantId, id, { at, kind: 'overflow', detail: { from: d.from, target: d.target, reason: d.reason, waitedMs: d.waitedMs } });
    events.queueChanged(tenantId, d.from);
    if (d.target.kind === 'queue') return;
    const waiting = this.context.waiting.get(id);
    const target: OverflowTo = d.target.kind === 'flow' ? { kind: 'flow', flow: d.target.flow } : d.target.kind === 'voicemail' ? { kind: 'voicemail', mailbox: d.target.mailbox } : { kind: 'callback' };
    // A callback keeps the caller's place in the core: with a number to call, the caller is told
    // and the call may end; without one (or no way to place calls) the wait ends and the flow decides.
    if (d.target.kind === 'callback') {
      if (waiting !== undefined && waiting.state === 'waiting' && waiting.request.caller !== undefined && this.context.callbacks !== undefined) {
        await this.calledBack(waiting, 'overflow');
        return;
      }
      this.context.step({ type: 'end', interaction: d.interaction });
    }
    this.context.waiting.delete(id);
    await store.updateInteraction(tenantId, id, { state: 'ended', endedAt: at, endCause: `overflow_${d.target.kind}`, waitedMs: d.waitedMs });
    events.publish(tenantId, { type: 'interaction.ended', data: { interactionId: id, queueId: d.from, agentId: null, outcome: 'overflowed', waitedMs: d.waitedMs, talkMs: null } });
    waiting?.finish({ served: false, reason: 'overflow', target });
  }

  /** The caller chose a callback while waiting: the core keeps their place as one, or refuses. */
  chooseCallback(id: InteractionId): boolean {
    const waiting = this.context.waiting.get(id);
    if (waiting === undefined || this.context.step({ type: 'callback', interaction: waiting.queuedAs }).some((d) => d.type === 'refused')) return false;
    this.context.after(() => this.calledBack(waiting, 'caller'));
    return true;
  }

  /** The interaction waits on as a callback to the caller's number; their call may end. */
  private async calledBack(waiting: WaitingCaller, by: 'caller' | 'overflow'): Promise<void> {
    const { store, tenantId } = this.context;
    if (by === 'overflow') waiting.becomeCallback();
    await store.updateInteraction(tenantId, waiting.id, { channel: 'callback' }, { at: new Date(this.context.now()), kind: 'callback_requested', detail: { number: waiting.request.caller, by } });
  }
}
