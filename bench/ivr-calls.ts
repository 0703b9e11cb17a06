/**
 * IVR calls: SIPp's uac scenario calls the demo hotline 12345 of a real Kefu node (built dist/,
 * embedded database, day mode) at rising rates; each call stays 10 s in the flow (greeting, then
 * the menu, spoken by text-to-speech from the warmed cache) before SIPp hangs up. For each rate:
 * failed calls, INVITE→200 p50/p99, calls up at once (rate × 10 s) and Kefu's CPU. The best step
 * is the highest rate with no failed call and p99 under 200 ms. One JSON line. SIPp stands in for
 * a carrier, so its address is trusted as a carrier's is (KEFU_SIP_TRUSTED): beyond 50 requests
 * a second an untrusted address is blocked, which is what failed every call at 40 calls/s.
 *
 * Time to the first prompt under load: 3 s into each step, probe calls (SIPp, each with a test
 * RTP peer as its media) join the load; for each, from the ACK SIPp sent (its message log) to the
 * first packet holding sound at the peer: p50/p99.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { RtpPeer } from '../test/helpers/rtp-peer.js';
import { ivrScenario } from '../test/e2e/ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from '../test/e2e/kefu-node.js';
import { runSipp } from '../test/e2e/sipp.js';
import { ramp } from './support/sipp-ramp.js';

const holdSeconds = 10;
const seconds = 10;
const rates = [5, 10, 20, 30, 40, 60, 80, 100, 120];
const password = 'bench-password-1';
const probes = 25;

/** Milliseconds from each probe call's ACK to the first sound it heard, as p50 and p99. */
async function firstPrompt(target: string): Promise<Record<string, number | null>> {
  await delay(3000);
  const peers = await Promise.all(Array.from({ length: probes }, () => RtpPeer.open({ codec: 'PCMU' })));
  try {
    const run = await runSipp(
      [target, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', String(probes), '-r', '5', '-trace_msg', '-nostdin', '-timeout', '60'],
      {
        'scenario.xml': ivrScenario({ caller: '13800000000', steps: [], end: { byeAfterMs: 3000 } }),
        'fields.csv': `SEQUENTIAL\n${peers.map((peer) => `12345;${peer.port}`).join('\n')}\n`,
      },
      90_000,
    );
    // SIPp's Call-ID is `<call number>-<pid>@…`; call n took line n of the injection file.
    const acks = new Map<number, number>();
    for (const sent of run.messages.matchAll(/-{5,} (\d{4}-\d\d-\d\d\s[\d:.]+)\s*\n\s*UDP message sent[^\n]*\n\s*\n?\s*ACK [\s\S]*?Call-ID: (\d+)-/g)) {
      acks.set(Number(sent[2]), Date.parse(sent[1]!.replace(/\s/, 'T')));
    }
    const times = peers
      .map((peer, index) => (peer.firstSoundAt === undefined ? undefined : peer.firstSoundAt - (acks.get(index + 1) ?? Number.NaN)))
      .filter((ms): ms is number => ms !== undefined && Number.isFinite(ms))
      .sort((a, b) => a - b);
    const at = (q: number) => (times.length === 0 ? null : times[Math.min(times.length - 1, Math.floor(times.length * q))]!);
    return { firstPromptP50Ms: at(0.5), firstPromptP99Ms: at(0.99), probesHeard: times.length };
  } finally {
    for (const peer of peers) peer.close();
  }
}

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
  const result = await ramp(
    {
      target: `127.0.0.1:${node.sipPort}`,
      scenario: ['-sn', 'uac', '-s', '12345', '-d', String(holdSeconds * 1000)],
      seconds,
      pid: node.child.pid as number,
      concurrent: 100_000,
    },
    rates,
    200,
    () => firstPrompt(`127.0.0.1:${node.sipPort}`),
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
      firstPromptP50Ms: result.best?.probed?.firstPromptP50Ms ?? null,
      firstPromptP99Ms: result.best?.probed?.firstPromptP99Ms ?? null,
      steps: result.steps.map((s) => ({ ...s, concurrentCalls: s.rate * holdSeconds })),
    })}\n`,
  );
} finally {
  await node.stop('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
}
