/**
 * The routing core alone (no I/O): 2,000 agents in 10 queues (three queues each, strategies
 * mixed but ring all), 50 skills (five per agent, levels 1–10), one call or two chats per agent,
 * and a backlog of 20,000 waiting interactions that each ask for one or two skills (relaxing by
 * 2 levels after a minute and dropped after three), 1 % VIPs, priorities 0–2.
 *
 * First the backlog is built over ten minutes (timed per enqueue, every agent not ready), then every agent goes
 * ready (each takes offers from the backlog), then a steady mix runs for 60,000 events with the
 * clock moving 20 ms per event: offers answered (90 %) or declined, interactions ended
 * (wrap-up 5 s) and new ones arriving to keep the backlog near 20,000, agents coming back ready
 * after a miss. Each `handle` call is timed, including the wake-ups it fires; it returns all
 * the decisions for that event, so "per decision" below is per event and its decisions.
 * Prints one JSON line; times in microseconds.
 */
import {
  asAgentId,
  asInteractionId,
  asQueueId,
  RoutingCore,
  seededRandom,
  strategies,
  type Decision,
  type ReservationId,
  type RoutingEvent,
} from '../src/routing/index.js';

const AGENTS = 2000;
const BACKLOG = 20_000;
const SKILLS = 50;
const QUEUES = 10;
const EVENTS = 60_000;

const random = seededRandom(42);
const pick = (count: number) => Math.floor(random() * count);
const core = new RoutingCore({ seed: 1, missedLimit: 1 });
let now = Date.UTC(2026, 11, 5, 9);
const skill = (index: number) => `skill${index}`;

const ringing = new Map<ReservationId, string>();
const busy: string[] = [];
const notReady = new Set<string>();
let decisions = 0;
let lateAnswers = 0;

function send(event: RoutingEvent): Decision[] {
  const step = core.handle(event, now);
  decisions += step.decisions.length;
  for (const decision of step.decisions) {
    if (decision.type === 'offer') ringing.set(decision.reservation, decision.interaction);
    else if (decision.type === 'reservationEnded') {
      ringing.delete(decision.reservation);
      if (decision.outcome === 'accepted') busy.push(decision.interaction);
    } else if (decision.type === 'agentState') {
      if (decision.to === 'not_ready') notReady.add(decision.agent);
      else notReady.delete(decision.agent);
    } else if (decision.type === 'refused') {
      // An answer that comes after the ring timeout is refused, as on a real system; anything else is a bench bug.
      if (decision.code !== 'ERR_RESERVATION_ENDED') throw new Error(`refused: ${JSON.stringify(decision)}`);
      lateAnswers++;
    }
  }
  return step.decisions;
}

const timings = new Map<string, number[]>();
function timed(kind: string, event: RoutingEvent): void {
  const started = process.hrtime.bigint();
  send(event);
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  let list = timings.get(kind);
  if (list === undefined) timings.set(kind, (list = []));
  list.push(micros);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const round = (value: number) => Math.round(value * 10) / 10;
function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), p999: round(percentile(sorted, 99.9)), max: round(sorted.at(-1) ?? NaN) };
}

const usable = strategies.filter((strategy) => strategy !== 'ring_all');
for (let index = 0; index < QUEUES; index++) {
  send({
    type: 'defineQueue',
    queue: {
      id: `q${index}`,
      strategy: usable[index % usable.length],
      ringTimeoutSeconds: 20,
      wrapUpSeconds: 5,
      relaxation: [{ afterSeconds: 60, lowerBy: 2 }, { afterSeconds: 180, lowerBy: 10 }],
    },
  });
}
for (let index = 0; index < AGENTS; index++) {
  const skills: Record<string, number> = {};
  while (Object.keys(skills).length < 5) skills[skill(pick(SKILLS))] = 1 + pick(10);
  const queues = new Set<string>();
  while (queues.size < 3) queues.add(`q${pick(QUEUES)}`);
  send({ type: 'defineAgent', agent: { id: `a${index}`, queues: [...queues], skills, capacity: index % 4 === 0 ? { voice: 1, chat: 2 } : { voice: 1 } } });
  send({ type: 'login', agent: asAgentId(`a${index}`), reason: 'break' });
}

let nextId = 0;
function arrival(): RoutingEvent {
  const wanted = 1 + (random() < 0.3 ? 1 : 0);
  const skills = Array.from({ length: wanted }, () => ({ skill: skill(pick(SKILLS)), level: 1 + pick(5) }));
  return {
    type: 'enqueue',
    interaction: { id: `i${++nextId}`, channel: random() < 0.8 ? 'voice' : 'chat', queue: `q${pick(QUEUES)}`, priority: pick(3), vip: random() < 0.01, skills },
  };
}

// The backlog builds over ten minutes, so its relaxation steps fall due spread out, as they would.
for (let index = 0; index < BACKLOG; index++) {
  now += 30;
  timed('enqueue into backlog', arrival());
}
for (let index = 0; index < AGENTS; index++) timed('agent ready (takes from backlog)', { type: 'ready', agent: asAgentId(`a${index}`) });

const waitingAt = () => {
  let total = 0;
  for (let index = 0; index < QUEUES; index++) total += core.queueStats(asQueueId(`q${index}`), now)!.waiting;
  return total;
};
const steadyStart = decisions;
for (let index = 0; index < EVENTS; index++) {
  now += 20;
  const roll = random();
  if (roll < 0.3 && ringing.size > 0) {
    const reservations = [...ringing.keys()];
    const reservation = reservations[pick(Math.min(reservations.length, 50))]!;
    const kind = random() < 0.9 ? 'accept' : 'reject';
    timed(kind, { type: kind, reservation });
  } else if (roll < 0.6 && busy.length > 0) {
    const interaction = busy.splice(pick(busy.length), 1)[0]!;
    timed('end (then wrap-up)', { type: 'end', interaction: asInteractionId(interaction) });
  } else if (roll < 0.9) {
    timed('enqueue', arrival());
  } else if (notReady.size > 0) {
    timed('ready', { type: 'ready', agent: asAgentId(notReady.values().next().value!) });
  } else {
    timed('tick', { type: 'tick' });
  }
}

const steady: number[] = [];
for (const kind of ['accept', 'reject', 'end (then wrap-up)', 'enqueue', 'ready', 'tick']) steady.push(...(timings.get(kind) ?? []));
const byEvent = Object.fromEntries([...timings].map(([kind, values]) => [kind, summary(values)]));
const result = {
  bench: 'acd-route',
  agents: AGENTS,
  skills: SKILLS,
  queues: QUEUES,
  backlog: BACKLOG,
  events: EVENTS,
  waitingAtEnd: waitingAt(),
  lateAnswers,
  decisionsPerEvent: round((decisions - steadyStart) / steady.length),
  steadyMicros: summary(steady),
  byEventMicros: byEvent,
  rssMiB: Math.round(process.memoryUsage().rss / 1048576),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
