/**
 * Calls per second: SIPp's uac scenario (INVITE, 200, ACK, BYE) at rising rates, first against
 * a SIPp UAS (the baseline: what the load generator and loopback manage), then against Kefu's
 * SIP stack with an answering core. For each target: the highest rate with no failed call and
 * INVITE→200 p99 under 50 ms, and the target's CPU. One JSON line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rates = [100, 200, 400, 600, 800, 1000, 1300, 1600];
const seconds = 5;
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

interface Step {
  rate: number;
  failed: number;
  p99Ms: number;
  cpuPercent: number;
}

async function step(port: number, rate: number, pid: number): Promise<Step> {
  const folder = mkdtempSync(join(tmpdir(), 'kefu-cps-'));
  const cpuBefore = cpuSeconds(pid);
  const started = Date.now();
  const run = spawnSync(
    'sipp',
    [`127.0.0.1:${port}`, '-sn', 'uac', '-r', String(rate), '-m', String(rate * seconds), '-l', String(rate * 2), '-p', '0', '-trace_rtt', '-rtt_freq', '1', '-timeout', String(seconds + 30), '-nostdin', '-d', '0', '-trace_stat', '-stf', 'stat.csv'],
    { cwd: folder, encoding: 'utf8', timeout: (seconds + 40) * 1000 },
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpuPercent = ((cpuSeconds(pid) - cpuBefore) / elapsed) * 100;
  const files = readdirSync(folder);
  const rttFile = files.find((f) => f.endsWith('_rtt.csv'));
  const times = rttFile === undefined ? [] : readFileSync(join(folder, rttFile), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => Number(l.split(';')[1]));
  times.sort((a, b) => a - b);
  const p99Ms = times[Math.floor(times.length * 0.99)] ?? Number.POSITIVE_INFINITY;
  const stat = readFileSync(join(folder, 'stat.csv'), 'utf8').trim().split('\n');
  const header = (stat[0] ?? '').split(';');
  const last = (stat.at(-1) ?? '').split(';');
  const failed = Number(last[header.indexOf('FailedCall(C)')] ?? Number.NaN);
  rmSync(folder, { recursive: true, force: true });
  return { rate, failed: run.status === 0 ? failed : Math.max(failed, 1), p99Ms, cpuPercent: Math.round(cpuPercent * 10) / 10 };
}

async function ramp(port: number, pid: number): Promise<{ best: Step | undefined; steps: Step[] }> {
  const steps: Step[] = [];
  let best: Step | undefined;
  for (const rate of rates) {
    const result = await step(port, rate, pid);
    steps.push(result);
    if (result.failed > 0 || result.p99Ms >= 50) break;
    best = result;
  }
  return { best, steps };
}

function started(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

const uas = spawn('sipp', ['-sn', 'uas', '-p', '16200', '-nostdin', '-bg'], { stdio: 'ignore' });
await new Promise((resolve) => uas.once('exit', resolve));
const uasPid = Number(spawnSync('pgrep', ['-f', 'sipp -sn uas -p 16200'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
const baseline = await ramp(16200, uasPid);
spawnSync('kill', [String(uasPid)]);

const core = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('support/answering-core.ts', import.meta.url)), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const kefuPort = await started(core);
const kefu = await ramp(kefuPort, core.pid as number);
core.kill('SIGKILL');

process.stdout.write(
  `${JSON.stringify({
    bench: 'sip-cps',
    secondsPerStep: seconds,
    kefuCallsPerSecond: kefu.best?.rate ?? 0,
    kefuP99Ms: kefu.best?.p99Ms ?? null,
    kefuCpuPercent: kefu.best?.cpuPercent ?? null,
    sippUasCallsPerSecond: baseline.best?.rate ?? 0,
    sippUasCpuPercent: baseline.best?.cpuPercent ?? null,
    ratioToSippUas: baseline.best ? Math.round(((kefu.best?.rate ?? 0) / baseline.best.rate) * 100) / 100 : null,
    kefuSteps: kefu.steps,
    sippUasSteps: baseline.steps,
  })}\n`,
);
