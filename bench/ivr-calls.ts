/**
 * IVR calls: SIPp's uac scenario calls the demo hotline 12345 of a real Kefu node (built dist/,
 * embedded database, day mode) at rising rates; each call stays 10 s in the flow (greeting, then
 * the menu, spoken by text-to-speech from the warmed cache) before SIPp hangs up. For each rate:
 * failed calls, INVITE→200 p50/p99, calls up at once (rate × 10 s) and Kefu's CPU. The best step
 * is the highest rate with no failed call and p99 under 200 ms. One JSON line. SIPp stands in for
 * a carrier, so its address is trusted as a carrier's is (KEFU_SIP_TRUSTED): beyond 50 requests
 * a second an untrusted address is blocked, which is what failed every call at 40 calls/s.
 *
 * Not measured here: the time to the first prompt packet under load (SIPp does not time RTP);
 * the end-to-end test test/e2e/ivr-calls.test.ts measures it for one call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist, KefuNode } from '../test/e2e/kefu-node.js';
import { ramp } from './support/sipp-ramp.js';

const holdSeconds = 10;
const seconds = 10;
const rates = [5, 10, 20, 30, 40, 60, 80];
const password = 'bench-password-1';

buildDist();
const folder = mkdtempSync(join(tmpdir(), 'kefu-bench-ivr-'));
const node = await KefuNode.start({ KEFU_DATA_DIR: join(folder, 'data'), KEFU_DEMO_PASSWORD: password, KEFU_LOG_LEVEL: 'warn', KEFU_RTP_TIMEOUT: '60', KEFU_SIP_TRUSTED: '127.0.0.1', KEFU_RTP_PORT_MIN: '20000', KEFU_RTP_PORT_MAX: '29999' }, folder);
try {
  await node.ready();
  const login = await fetch(`${node.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', username: 'admin', password }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  await fetch(`${node.url}/api/v1/call-settings`, {
    method: 'PUT',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ version: 0, scheduleMode: 'day' }),
  });
  // Let the node speak its flows' texts into the cache before the first call.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const result = ramp(
    {
      target: `127.0.0.1:${node.sipPort}`,
      scenario: ['-sn', 'uac', '-s', '12345', '-d', String(holdSeconds * 1000)],
      seconds,
      pid: node.child.pid as number,
      concurrent: 100_000,
    },
    rates,
    200,
  );
  process.stdout.write(
    `${JSON.stringify({
      bench: 'ivr-calls',
      holdSeconds,
      secondsPerStep: seconds,
      callsPerSecond: result.best?.rate ?? 0,
      concurrentCalls: (result.best?.rate ?? 0) * holdSeconds,
      inviteTo200P50Ms: result.best?.p50Ms ?? null,
      inviteTo200P99Ms: result.best?.p99Ms ?? null,
      kefuCpuPercent: result.best?.cpuPercent ?? null,
      steps: result.steps.map((s) => ({ ...s, concurrentCalls: s.rate * holdSeconds })),
    })}\n`,
  );
} finally {
  await node.stop('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
}
