/**
 * The caller waits in a queue (C5): hold music in stretches, between them what the queue says —
 * their place and expected wait when routing announces it, the queue's comfort messages in turn,
 * and the offer to be called back, taken by a key. A caller who takes it keeps their place, hears
 * it confirmed and the call ends; the callback is routing's. When an agent answers, the caller
 * hears the agent's number if the queue says so (D2), then the conversation; the flow goes on
 * after it only to end. Overflow leaves by `overflow` (or `fail`), with its target in
 * `queue.overflow`.
 */
import type { ComfortMessage, PlayOutcome, QueueTicket } from '../calls/index.js';
import type { Announcement, NodeOf } from './document.js';
import type { RunScope } from './run-scope.js';

/** How long one stretch of hold music plays at most before the caller may hear something else. */
const HOLD_STRETCH_MS = 5000;

/** The way the call came through the flow so far, for the agent's screen pop (C6). */
function ivrSoFar(run: RunScope): { path: string[]; keys: string[] } {
  const path: string[] = [];
  const keys: string[] = [];
  for (const entry of run.trace.entries) {
    if (entry.event === 'enter') path.push(entry.node);
    else if (entry.event === 'keys') keys.push(entry.digits);
  }
  return { path, keys };
}

function announcementOf(message: ComfortMessage): Announcement {
  return 'prompts' in message ? { prompts: message.prompts } : message.language === undefined ? { text: message.text } : { text: message.text, language: message.language };
}

export async function queue(run: RunScope, id: string, node: NodeOf<'queue'>): Promise<string | undefined> {
  const ticket = await run.services.enqueue({
    queue: node.queue,
    priority: node.priority,
    vip: run.render(node.vip).trim() === 'true',
    skills: Object.entries(node.skills).map(([skill, level]) => ({ skill, level })),
    channel: run.channel,
    ivr: ivrSoFar(run),
  });
  if (ticket === undefined) {
    run.trace.add(id, { event: 'note', text: `no queue ${node.queue}` });
    return 'fail';
  }
  const outcome = await wait(run, id, ticket);
  if (outcome.served) {
    run.trace.add(id, { event: 'note', text: `answered by ${outcome.agent}` });
    return undefined;
  }
  if (outcome.reason === 'hangup') return undefined;
  if (outcome.reason === 'handed') {
    run.trace.add(id, { event: 'note', text: `handed by the agent to ${'flow' in outcome.to ? `flow ${outcome.to.flow}` : `node ${outcome.to.node}`}` });
    run.handOff(outcome.to);
    return undefined;
  }
  if (outcome.reason === 'callback') {
    run.trace.add(id, { event: 'note', text: 'callback chosen: the caller keeps their place' });
    await run.say(id, run.phrases.callbackConfirmed);
    await run.channel.hangup();
    return undefined;
  }
  const target = outcome.target;
  if (target.kind === 'callback') {
    run.variables.set('queue.overflow', 'callback');
  } else {
    run.variables.set('queue.overflow', target.kind === 'flow' ? target.flow : target.kind === 'voicemail' ? target.mailbox : target.queue);
  }
  run.trace.add(id, { event: 'note', text: `overflow to ${target.kind} ${run.variables.get('queue.overflow')}` });
  return node.exits.overflow === undefined ? 'fail' : 'overflow';
}

/** What the waiting loop and the ticket's listeners share. */
interface WaitState {
  settled: boolean;
  /** What plays now: an agent who answers stops it, then the caller hears the agent's number. */
  playing: Promise<PlayOutcome>;
  announcement: { position: number; wait: number } | undefined;
}

/** Plays to the waiting caller until they leave the queue, and says how they left. */
async function wait(run: RunScope, id: string, ticket: QueueTicket): Promise<Awaited<QueueTicket['done']>> {
  const state: WaitState = { settled: false, playing: Promise.resolve({ hungUp: false }), announcement: undefined };
  ticket.onAnnounce((position, wait) => (state.announcement = { position, wait }));
  ticket.onAgent(async (agent) => {
    await run.channel.stopPlaying();
    await state.playing;
    await run.say(id, run.phrases.agentServing(run.spellDigits(agent)));
  });
  const done = ticket.done.finally(() => (state.settled = true));
  // A transfer may put the caller back in a queue after an agent had them: they wait again.
  for (;;) {
    await hold(run, id, ticket, state);
    const back = await Promise.race([done.then(() => false), ticket.backInQueue().then(() => true)]);
    if (!back) return done;
    run.trace.add(id, { event: 'note', text: 'transferred back into a queue' });
  }
}

/** Hold music, news and offers to the caller while they wait for an agent. */
async function hold(run: RunScope, id: string, ticket: QueueTicket, state: WaitState): Promise<void> {
  const { comfort, callback } = ticket.experience;
  const start = Date.now();
  let nextComfort = comfort === undefined ? Infinity : start + comfort.everySeconds * 1000;
  let nextOffer = callback === undefined ? Infinity : start;
  let message = 0;
  const bargeIn = callback !== undefined;
  while (!state.settled && ticket.state === 'waiting' && !run.channel.hungUp) {
    const now = Date.now();
    const latest = state.announcement;
    state.announcement = undefined;
    let playing: Promise<PlayOutcome>;
    if (latest !== undefined) {
      playing = run.say(id, run.phrases.queuePosition(latest.position, Math.max(1, Math.round(latest.wait / 60))), { bargeIn });
    } else if (callback !== undefined && now >= nextOffer) {
      nextOffer = now + callback.everySeconds * 1000;
      playing = run.say(id, run.phrases.callbackOffer(callback.key), { bargeIn });
    } else if (comfort !== undefined && now >= nextComfort) {
      nextComfort = now + comfort.everySeconds * 1000;
      playing = run.announce(id, announcementOf(comfort.messages[message++ % comfort.messages.length]!), bargeIn);
    } else {
      const ms = Math.max(500, Math.min(HOLD_STRETCH_MS, nextComfort - now, nextOffer - now));
      playing = run.channel.play([{ kind: 'tone', tone: 'hold', ms }], { bargeIn });
    }
    state.playing = playing;
    const played = await playing;
    if (played.key === undefined) continue;
    const keys = await run.channel.collect({ maxDigits: 1, timeoutMs: 0, interDigitTimeoutMs: 0 });
    run.trace.add(id, { event: 'keys', digits: keys.digits });
    if (keys.digits === callback?.key && ticket.state === 'waiting' && !ticket.requestCallback()) run.trace.add(id, { event: 'note', text: 'callback not possible now' });
    run.channel.clearDigits();
  }
}
