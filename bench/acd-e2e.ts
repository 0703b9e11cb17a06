/**
 * Routing end to end (issue 6 must-show): how long from a caller entering a queue to the INVITE
 * reaching the agent's phone, on a real node (`dist/main.js`, embedded database or DATABASE_URL)
 * with SIPp callers and a SIPp phone for ten agents registered with digest (one process, one
 * binding port for all, so Kefu's INVITEs all reach it).
 *
 * - free agents: 200 callers, four a second, each talking a second; there is always a free agent,
 *   so each is offered as it enters. Forty callers before them warm the node up and are not
 *   counted: a node's first calls compile its code and prepare its statements, and the callers of
 *   a centre meet a node that has served for hours. From the interaction's `createdAt` (the node's clock, when the
 *   caller entered the queue; whole milliseconds) to the phone's receipt of the INVITE (SIPp's
 *   message log, microseconds; same machine, same clock).
 * - backlog: 200 callers wait while every agent is not ready (enough that the p99 is not simply
 *   the worst call); then the agents go ready one by one and each call lasts half a second and
 *   is ended by the agent's phone (BYE), with no wrap-up, so the agent is free at once and takes
 *   the next caller. From the phone's BYE to its next INVITE.
 * - baseline: a SIPp caller's INVITE to a SIPp phone (its built-in `uas`) and the 180 back, with no
 *   Kefu and no queue, in the same run: what a SIP round trip on this machine costs now.
 * Prints one JSON line; times in milliseconds.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ivrScenario } from '../test/e2e/ivr-scenario.js';
import { buildDist, freePort, KefuNode } from '../test/e2e/kefu-node.js';
import { nodeApi, type NodeApi } from '../test/e2e/node-api.js';
import { answering, answeringAfter } from '../test/e2e/phone-scenarios.js';
import { runSipp, sipp, type SippRun } from '../test/e2e/sipp.js';
import { testDatabase } from '../test/helpers/database.js';

const AGENTS = 10;
const WARM_UP_CALLS = 40;
const FREE_CALLS = 200;
const FREE_RATE = 4;
const BACKLOG_CALLS = 200;
const BASELINE_CALLS = 200;
const password = 'bench-acd-e2e-1';
const called = '12367';

interface Logged {
  at: number;
  sent: boolean;
  firstLine: string;
  callId: string;
  fromUser: string;
  requestUser: string;
}

/** SIPp's `-trace_msg` log: every message with the local time it was sent or received. */
function messages(log: string): Logged[] {
  const out: Logged[] = [];
  for (const block of log.split(/^-{20,} /m).slice(1)) {
    const [stamp, direction, , firstLine = '', ...rest] = block.split('\n');
    const [date, time] = stamp!.trim().split(' ');
    const [seconds, micros = '0'] = time!.split('.');
    const header = (name: string) => rest.find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim() ?? '';
    out.push({
      at: new Date(`${date}T${seconds}`).getTime() + Number(micros.padEnd(6, '0')) / 1000,
      sent: direction!.includes('sent'),
      firstLine: firstLine.trim(),
      callId: header('Call-ID'),
      fromUser: /sip:([^@;>]+)@/.exec(header('From'))?.[1] ?? '',
      requestUser: /^\w+ sip:([^@;>]+)@/.exec(firstLine)?.[1] ?? '',
    });
  }
  return out;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const round = (value: number) => Math.round(value * 100) / 100;
function summary(samples: number[]): { count: number; p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}

function check(run: SippRun, what: string): void {
  if (run.code !== 0) throw new Error(`${what}: sipp ended ${run.code}\n${run.errors.slice(0, 3000)}`);
}

/** A UDP port that swallows the RTP sent to callers and phones. */
async function sink(): Promise<{ port: number; close: () => void }> {
  const socket = createSocket('udp4');
  socket.on('message', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

/** The caller's place in the run: its number's last four digits (`callers`). */
const callerIndex = (number: string) => Number(number.slice(-4));

/** `count` SIPp callers from distinct numbers at `rate` a second into the bench queue; with `stayMs` each hangs up then, else waits for Kefu's BYE. */
function callers(node: KefuNode, first: number, count: number, rate: number, rtpPort: number, stayMs: number | undefined): Promise<SippRun> {
  const numbers = Array.from({ length: count }, (_, index) => `${called};${rtpPort};1380000${String(first + index).padStart(4, '0')}`);
  return freePort().then((port) =>
    runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(port), '-m', String(count), '-r', String(rate), '-l', String(count), '-trace_err', '-nostdin', '-timeout', '300'],
      { 'scenario.xml': ivrScenario({ caller: '[field2]', steps: [], end: stayMs === undefined ? 'kefu' : { byeAfterMs: stayMs } }), 'fields.csv': `SEQUENTIAL\n${numbers.join('\n')}\n` },
      320_000,
    ),
  );
}

async function all<T>(admin: NodeApi, path: string): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = (await admin.request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200&offset=${offset}`)).json as { items: T[] };
    items.push(...page.items);
    if (page.items.length < 200) return items;
  }
}

async function baseline(): Promise<number[]> {
  const uasPort = await freePort();
  const phone = runSipp(['-sn', 'uas', '-p', String(uasPort), '-m', String(BASELINE_CALLS), '-nostdin', '-timeout', '120'], {}, 130_000);
  await delay(500);
  const caller = await runSipp([`127.0.0.1:${uasPort}`, '-sn', 'uac', '-p', String(await freePort()), '-m', String(BASELINE_CALLS), '-r', '10', '-d', '0', '-trace_msg', '-nostdin', '-timeout', '120'], {}, 130_000);
  check(caller, 'baseline caller');
  check(await phone, 'baseline phone');
  const log = messages(caller.messages);
  const sentAt = new Map(log.filter((m) => m.sent && m.firstLine.startsWith('INVITE')).map((m) => [m.callId, m.at]));
  return log.filter((m) => !m.sent && m.firstLine.startsWith('SIP/2.0 180')).map((m) => m.at - sentAt.get(m.callId)!);
}

buildDist();
const database = await testDatabase();
const folder = mkdtempSync(join(tmpdir(), 'kefu-bench-acd-'));
const node = await KefuNode.start(
  // The callers send no RTP: waiting in the backlog must not end their calls as a media timeout.
  { KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5', KEFU_LOG_LEVEL: 'warn', KEFU_RTP_TIMEOUT: '600' },
  folder,
);
const media = await sink();
try {
  await node.ready(180_000);
  const admin = await nodeApi(node.url, 'demo', 'admin', password);
  await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
  await admin.request('POST', '/queues', { name: 'bench', settings: { strategy: 'longest_idle', ringTimeoutSeconds: 10, wrapUpSeconds: 0 } });
  const draft = { start: 'wait', nodes: { wait: { type: 'queue', queue: 'bench', exits: { fail: 'end' } }, end: { type: 'hangup' } } };
  const flow = await admin.request('POST', '/flows', { name: 'bench', draft });
  await admin.request('POST', `/flows/${flow.json.id}/publish`, { version: flow.json.version });
  await admin.request('POST', '/numbers', { number: called, kind: 'direct', bindings: [{ service: 'bench', flow: 'bench' }] });
  const phonePort = await freePort();
  const agentIds: string[] = [];
  for (let index = 0; index < AGENTS; index++) {
    const extension = String(3001 + index);
    const agent = await admin.request('POST', '/agents', { username: extension, displayName: `Bench ${extension}`, password, extension, sipPassword: password, skills: { bench: 5 } });
    if (agent.status !== 201) throw new Error(`agent ${extension}: ${agent.status} ${JSON.stringify(agent.json)}`);
    agentIds.push(agent.json.id as string);
    check(await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: [`${extension};demo`], port: phonePort, extra: ['-au', extension, '-ap', password] }), `register ${extension}`);
  }
  const setAll = async (body: object) => {
    for (const id of agentIds) {
      const answer = await admin.request('POST', `/agents/${id}/state`, body);
      if (answer.status !== 200) throw new Error(`agent state ${JSON.stringify(body)}: ${answer.status} ${JSON.stringify(answer.json)}`);
    }
  };

  // Free agents: every caller is offered the moment it enters the queue.
  await setAll({ action: 'login' });
  const freePhone = runSipp(['-sf', 'phone.xml', '-p', String(phonePort), '-m', String(WARM_UP_CALLS + FREE_CALLS), '-trace_msg', '-trace_err', '-nostdin', '-timeout', '300'], { 'phone.xml': answering('agent', media.port) }, 320_000);
  check(await callers(node, 0, WARM_UP_CALLS + FREE_CALLS, FREE_RATE, media.port, 1000), 'free-agent callers');
  const freeRun = await freePhone;
  // A caller who hangs up while Kefu is still bridging them to the agent leaves the agent's leg up
  // (seen under load): that phone call never gets Kefu's BYE and ends at SIPp's receive timeout.
  const legsLeftUp = (freeRun.errors.match(/receive timeout on message/g) ?? []).length;
  if (freeRun.code !== 0 && legsLeftUp === 0) check(freeRun, 'free-agent phone');
  const entered = new Map((await all<{ caller: string; createdAt: string }>(admin, '/interactions?queue=bench')).map((i) => [i.caller, Date.parse(i.createdAt)]));
  const free = messages(freeRun.messages)
    .filter((m) => !m.sent && m.firstLine.startsWith('INVITE') && callerIndex(m.fromUser) >= WARM_UP_CALLS)
    .map((m) => m.at - entered.get(m.fromUser)!);

  // Backlog: callers wait, agents free up one by one and each takes the next caller at once.
  await setAll({ action: 'not_ready', reason: 'break' });
  const backlogPhone = runSipp(
    ['-sf', 'phone.xml', '-p', String(phonePort), '-m', String(BACKLOG_CALLS), '-trace_msg', '-trace_err', '-nostdin', '-timeout', '300'],
    { 'phone.xml': answeringAfter(0, 500)('agent', media.port) },
    320_000,
  );
  const waiting = callers(node, WARM_UP_CALLS + FREE_CALLS, BACKLOG_CALLS, 20, media.port, undefined);
  for (;;) {
    const stats = (await admin.request('GET', '/queues/bench/stats')).json as { waiting: number };
    if (stats.waiting >= BACKLOG_CALLS) break;
    await delay(200);
  }
  for (const id of agentIds) {
    await admin.request('POST', `/agents/${id}/state`, { action: 'ready' });
    await delay(100);
  }
  check(await waiting, 'backlog callers');
  const backlogRun = await backlogPhone;
  check(backlogRun, 'backlog phone');
  const log = messages(backlogRun.messages);
  const agentOfCall = new Map(log.filter((m) => !m.sent && m.firstLine.startsWith('INVITE')).map((m) => [m.callId, m.requestUser]));
  const freedAt = new Map<string, number>();
  const backlog: number[] = [];
  for (const m of log) {
    if (m.sent && m.firstLine.startsWith('BYE')) freedAt.set(agentOfCall.get(m.callId)!, m.at);
    if (!m.sent && m.firstLine.startsWith('INVITE') && freedAt.has(m.requestUser)) {
      backlog.push(m.at - freedAt.get(m.requestUser)!);
      freedAt.delete(m.requestUser);
    }
  }

  const base = await baseline();
  process.stdout.write(
    `${JSON.stringify({
      bench: 'acd-e2e',
      database: database.databaseUrl === undefined ? 'embedded' : 'postgresql',
      agents: AGENTS,
      freeAgentsEnqueueToInviteMs: summary(free),
      freeAgentsLegsLeftUp: legsLeftUp,
      backlogByeToNextInviteMs: summary(backlog),
      baselineInviteTo180Ms: summary(base),
    })}\n`,
  );
} finally {
  media.close();
  await node.stop('SIGTERM', 30_000).catch(() => undefined);
  rmSync(folder, { recursive: true, force: true });
  await database.drop();
}
