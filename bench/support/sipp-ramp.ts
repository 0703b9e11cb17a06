// SIPp at rising rates against a target process, shared by bench/sip-cps.ts, sip-register.ts and
// ivr-calls.ts: each step runs SIPp for a few seconds at one rate, reads its failed calls and
// response times (RTD 1, from -trace_rtt), and the target's CPU from /proc; a probe may measure
// something more while the step's load runs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User and system CPU seconds a process has used so far; NaN once it has ended. */
export function cpuSeconds(pid: number): number {
  if (!existsSync(`/proc/${pid}/stat`)) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export interface Step {
  rate: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** NaN (null in JSON) when the target ended during the step. */
  cpuPercent: number;
  /** What the step's probe measured under the load. */
  probed?: Record<string, number | null>;
}

/** Runs beside a step's load (started with it) and reports what it measured. */
export type Probe = (rate: number) => Promise<Record<string, number | null>>;

export interface SippLoad {
  /** host:port of the target. */
  target: string;
  /** The scenario and what it needs (`-sn uac`, or `-sf x.xml -inf fields.csv`). */
  scenario: string[];
  /** Files SIPp reads, written into the folder it runs in. */
  files?: Record<string, string>;
  seconds: number;
  /** The target's process, whose CPU is measured. */
  pid: number;
  /** Calls up at once at most; twice the rate by default (calls that end at once). */
  concurrent?: number;
}

/** One step: SIPp at `rate` for `load.seconds`. A SIPp that did not end cleanly counts as a failure. */
export async function step(load: SippLoad, rate: number, probe?: Probe): Promise<Step> {
  const folder = mkdtempSync(join(tmpdir(), 'kefu-sipp-ramp-'));
  try {
    for (const [name, text] of Object.entries(load.files ?? {})) writeFileSync(join(folder, name), text);
    const cpuBefore = cpuSeconds(load.pid);
    const started = Date.now();
    const args = [load.target, ...load.scenario, '-r', String(rate), '-m', String(rate * load.seconds), '-l', String(load.concurrent ?? rate * 2), '-p', '0', '-trace_rtt', '-rtt_freq', '1', '-timeout', String(load.seconds + 30), '-nostdin', '-trace_stat', '-stf', 'stat.csv'];
    const [status, probed] = await Promise.all([sipp(args, folder, (load.seconds + 40) * 1000), probe?.(rate)]);
    const elapsed = (Date.now() - started) / 1000;
    const cpuPercent = ((cpuSeconds(load.pid) - cpuBefore) / elapsed) * 100;
    const files = readdirSync(folder);
    const rttFile = files.find((f) => f.endsWith('_rtt.csv'));
    const times = rttFile === undefined ? [] : readFileSync(join(folder, rttFile), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => Number(l.split(';')[1]));
    times.sort((a, b) => a - b);
    const p50Ms = times[Math.floor(times.length * 0.5)] ?? Number.POSITIVE_INFINITY;
    const p99Ms = times[Math.floor(times.length * 0.99)] ?? Number.POSITIVE_INFINITY;
    const stat = files.includes('stat.csv') ? readFileSync(join(folder, 'stat.csv'), 'utf8').trim().split('\n') : [];
    const header = (stat[0] ?? '').split(';');
    const last = (stat.at(-1) ?? '').split(';');
    const failed = Number(last[header.indexOf('FailedCall(C)')] ?? Number.NaN);
    return {
      rate,
      failed: status === 0 && Number.isFinite(failed) ? failed : Math.max(Number.isFinite(failed) ? failed : 0, 1),
      p50Ms,
      p99Ms,
      cpuPercent: Math.round(cpuPercent * 10) / 10,
      ...(probed === undefined ? {} : { probed }),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Steps at each of `rates` until one fails or its p99 reaches `maxP99Ms`; the best is the last
 * that passed. A step that misses is run once more before the ramp stops, because on a shared
 * machine one neighbour's burst can spoil a tail without the target being at its limit.
 */
export async function ramp(load: SippLoad, rates: number[], maxP99Ms = 50, probe?: Probe): Promise<{ best: Step | undefined; steps: Step[] }> {
  const steps: Step[] = [];
  const passed = (result: Step) => result.failed === 0 && result.p99Ms < maxP99Ms;
  let best: Step | undefined;
  for (const rate of rates) {
    let result = await step(load, rate, probe);
    steps.push(result);
    if (!passed(result)) {
      result = await step(load, rate, probe);
      steps.push(result);
    }
    if (!passed(result) || Number.isNaN(result.cpuPercent)) break;
    best = result;
  }
  return { best, steps };
}

/** SIPp's exit status; killed (null) after `timeoutMs`. */
function sipp(args: string[], cwd: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { cwd, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });
}

/** The port a target process prints as its first line of output. */
export function printedPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}
