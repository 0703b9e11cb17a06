/**
 * Placing a callback (C5) once routing offers it to an agent: the agent's phone rings first, as a
 * call from the tenant's number (a remote agent's outside number, A4, and they must press the
 * queue's key before the call is theirs); when the agent answers, the core accepts the offer, and the
 * agent's line dials the customer (an extension, or an outside number through the tenant's
 * trunk, shown the tenant's number). A customer who does not answer is tried again after the
 * policy's interval while the agent holds; after the last attempt the interaction ends with
 * cause `callback_unanswered`. Every attempt is in the interaction's timeline.
 */
import type { AnswerConfirmation, VoiceChannel } from '../calls/index.js';
import type { CallbackPolicy } from './caller-experience.js';
import type { Decision, RoutingEvent } from './events.js';
import type { AgentRow, CallbackCalls, RoutingStore } from './ports.js';
import type { AgentDial } from './remote-agent.js';
import type { WaitingCaller } from './waiting-caller.js';

type Offer = Extract<Decision, { type: 'offer' }>;

export interface CallbackContext {
  tenantId: string;
  store: RoutingStore;
  calls: CallbackCalls;
  now(): number;
  step(event: RoutingEvent): Decision[];
  /** Stores the answer and publishes it, as for a live caller; settles once stored. */
  answered(offer: Offer, waiting: WaitingCaller, agent: AgentRow): Promise<void>;
}

/** Rings the agent for a callback offer and, once answered, calls the customer; the core hears how it went. */
export async function placeCallback(
  context: CallbackContext,
  offer: Offer,
  waiting: WaitingCaller,
  agent: AgentRow,
  reach: AgentDial,
  policy: CallbackPolicy,
  cancel: Promise<void>,
  timeoutMs: number,
): Promise<void> {
  let cancelled = false;
  void cancel.then(() => (cancelled = true));
  let accepted = false;
  const answered = await context.calls.callAgent(context.tenantId, {
    target: reach.targets[0] ?? agent.extension,
    timeoutMs,
    cancel,
    serve: async (line) => {
      if (reach.confirm !== undefined && !(await screened(line, reach.confirm))) return line.hangup();
      if (context.step({ type: 'accept', reservation: offer.reservation }).some((d) => d.type === 'refused')) return;
      accepted = true;
      waiting.state = 'connected';
      await context.answered(offer, waiting, agent);
      await callCustomer(context, offer, waiting, line, policy);
      context.step({ type: 'end', interaction: offer.interaction });
    },
  });
  // Busy, unreachable or unanswered before the core's own ring timeout: the customer keeps their place.
  if ((!answered || !accepted) && !cancelled) context.step({ type: 'reject', reservation: offer.reservation });
}

/** A remote agent's answer is theirs once they press the key (A4); silence (a voicemail) or another key is not. */
async function screened(line: VoiceChannel, confirm: AnswerConfirmation): Promise<boolean> {
  line.clearDigits();
  const played = await line.play(confirm.prompt, { bargeIn: true });
  if (played.hungUp) return false;
  const { digits } = await line.collect({ maxDigits: 1, timeoutMs: confirm.timeoutMs, interDigitTimeoutMs: confirm.timeoutMs });
  return digits === confirm.key;
}

async function callCustomer(context: CallbackContext, offer: Offer, waiting: WaitingCaller, line: VoiceChannel, policy: CallbackPolicy): Promise<void> {
  const { store, tenantId } = context;
  const number = waiting.request.caller!;
  const note = (kind: string, detail: Record<string, unknown>) => store.addEvent(tenantId, waiting.id, { at: new Date(context.now()), kind, agentId: offer.agent, detail });
  for (let attempt = 1; attempt <= policy.attempts && !line.hungUp; attempt++) {
    await note('callback_attempt', { attempt, number });
    const outcome = await line.dial({
      targets: [number],
      timeoutMs: policy.ringSeconds * 1000,
      callerId: 'caller',
      onAnswer: async () => {
        await note('callback_answered', { attempt, number });
        return true;
      },
    });
    if (outcome.answered) return;
    await note('callback_unanswered', { attempt, number, reason: outcome.reason });
    if (attempt < policy.attempts) await line.play([{ kind: 'tone', tone: 'hold', ms: policy.retrySeconds * 1000 }], { bargeIn: false });
  }
  waiting.endCause = 'callback_unanswered';
  await note('callback_failed', { attempts: policy.attempts, number });
}
