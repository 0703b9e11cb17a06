/**
 * The live event stream's fan-out over real WebSockets on 127.0.0.1: 200 supervisors' streams
 * of one tenant (a wallboard and desktop each for a 100-seat floor). First a paced run, 2,000
 * `queue.stats` events at 200 a second (what 200 busy queues publish), timing each event from
 * `publish` to its arrival at every stream; then a burst of 5,000 events published as fast as the
 * event loop allows, timed until every stream has all of them. Server and clients share this
 * process (the clients' parsing is counted). Prints one JSON line; latencies in ms.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { EventHub, type NewEvent } from '../src/events/index.js';
import { demoPassword, startTestApi } from '../test/helpers/api.js';

const STREAMS = 200;
const PACED = 2000;
const RATE = 200;
const BURST = 5000;

const hub = new EventHub();
const api = await startTestApi({ events: { hub, maxBufferedBytes: 64 * 1024 * 1024 } });
const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
const demo = (await api.store.repos.tenants.bySlug('demo'))!.id;
const login = await fetch(`${base}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ tenant: 'demo', username: 'lead', password: demoPassword }),
});
const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;

const publishedAt = new Map<number, number>();
const latencies: number[] = [];
let received = 0;
let onReceived: () => void = () => undefined;
const streams = await Promise.all(
  Array.from(
    { length: STREAMS },
    () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/events`, { headers: { cookie } });
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { seq?: number };
          if (frame.seq === undefined) return;
          const at = publishedAt.get(frame.seq);
          if (at !== undefined) latencies.push(performance.now() - at);
          received += 1;
          onReceived();
        });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }),
  ),
);

function stats(queue: number): NewEvent {
  return {
    type: 'queue.stats',
    data: {
      queueId: `q${queue}`,
      waiting: queue % 7,
      longestWaitMs: queue * 1000,
      serviceLevel: { percent: 87.5, answered: 40, answeredWithinThreshold: 35, abandoned: 2, targetPercent: 80, thresholdSeconds: 20 },
      agents: { logged_out: 3, ready: 5, not_ready: 1, reserved: 1, busy: 8, wrap_up: 2 },
    },
  };
}

const allReceived = (count: number) =>
  new Promise<void>((resolve) => {
    onReceived = () => {
      if (received >= count) resolve();
    };
    onReceived();
  });

for (let i = 0; i < PACED; i++) {
  const event = hub.publish(demo, stats(i % 200));
  publishedAt.set(event.seq, performance.now());
  if (i % 10 === 9) await sleep((10 * 1000) / RATE); // ten events at a time, RATE a second
}
await allReceived(PACED * STREAMS);
const paced = [...latencies].sort((a, b) => a - b);

publishedAt.clear();
received = 0;
const started = performance.now();
for (let i = 0; i < BURST; i++) {
  hub.publish(demo, stats(i % 200));
  if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
}
await allReceived(BURST * STREAMS);
const burstSeconds = (performance.now() - started) / 1000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
process.stdout.write(
  `${JSON.stringify({
    bench: 'event-fanout',
    streams: STREAMS,
    paced: { events: PACED, perSecond: RATE, p50: round(percentile(paced, 50)), p99: round(percentile(paced, 99)), max: round(paced.at(-1) ?? NaN) },
    burst: { events: BURST, seconds: round(burstSeconds), framesPerSecond: Math.round((BURST * STREAMS) / burstSeconds) },
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
  })}\n`,
);
for (const ws of streams) ws.close();
await api.close();
