/**
 * Throughput and latency of the management API over real HTTP on 127.0.0.1: customer creation,
 * then customer lookup by phone (what a screen pop does for every call), each a fixed number of
 * requests from 10 concurrent clients. The server and the clients share this process. Runs on the
 * embedded database, or on PostgreSQL when DATABASE_URL is set. Prints one JSON line.
 */
import { startTestApi } from '../test/helpers/api.js';

const requests = 2000;
const concurrency = 10;
const warmUp = 100;

const api = await startTestApi();
const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
const login = await fetch(`${base}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ tenant: 'demo', username: '1001', password: 'demo-secret-1' }),
});
const cookie = login.headers.getSetCookie().find((c) => c.startsWith('kefu_session='))?.split(';')[0];
if (login.status !== 200 || cookie === undefined) throw new Error(`login failed: ${login.status}`);
const session: string = cookie;

/** The n-th customer's phone number: distinct for every n. */
const phoneOf = (n: number) => `+86139${String(n).padStart(8, '0')}`;

async function send(method: 'GET' | 'POST', path: string, expected: number, body?: unknown): Promise<void> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { cookie: session, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`);
}

/** Runs `count` requests from `concurrency` workers; returns per-request latencies (ms) and requests per second. */
async function measure(count: number, request: (n: number) => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const at = performance.now();
        await request(n);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: count / seconds, latencies: latencies.sort((a, b) => a - b) };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

await measure(warmUp, (n) => send('POST', '/api/v1/customers', 201, { name: `Warm-up ${n}`, phones: [`+8613700${String(n).padStart(6, '0')}`] }));
const create = await measure(requests, (n) => send('POST', '/api/v1/customers', 201, { name: `Customer ${n}`, phones: [phoneOf(n)], tags: ['bench'] }));
await measure(warmUp, (n) => send('GET', `/api/v1/customers?phone=${encodeURIComponent(phoneOf(n))}`, 200));
// Lookups in a scattered order, so consecutive requests do not read neighbouring rows.
const lookup = await measure(requests, (n) => send('GET', `/api/v1/customers?phone=${encodeURIComponent(phoneOf((n * 7919) % requests))}`, 200));

const result = {
  bench: 'api-requests',
  database: api.store.kind,
  requests,
  concurrency,
  lookupPerSecond: round(lookup.perSecond),
  lookupP50Ms: round(percentile(lookup.latencies, 50), 2),
  lookupP99Ms: round(percentile(lookup.latencies, 99), 2),
  createPerSecond: round(create.perSecond),
  createP99Ms: round(percentile(create.latencies, 99), 2),
  rssMiB: round(process.memoryUsage().rss / 2 ** 20),
};
await api.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
