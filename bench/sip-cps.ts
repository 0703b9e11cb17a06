/**
 * Calls per second: SIPp's uac scenario (INVITE, 200, ACK, BYE) at rising rates, first against
 * a SIPp UAS (the baseline: what the load generator and loopback manage), then against Kefu's
 * SIP stack with an answering core. For each target: the highest rate with no failed call and
 * INVITE→200 p99 under 50 ms, and the target's CPU. One JSON line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { printedPort, ramp } from './support/sipp-ramp.js';

const rates = [100, 200, 400, 600, 800, 1000, 1300, 1600];
const seconds = 5;
const uacScenario = ['-sn', 'uac', '-d', '0'];

const uas = spawn('sipp', ['-sn', 'uas', '-p', '16200', '-nostdin', '-bg'], { stdio: 'ignore' });
await new Promise((resolve) => uas.once('exit', resolve));
const uasPid = Number(spawnSync('pgrep', ['-f', 'sipp -sn uas -p 16200'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
const baseline = await ramp({ target: '127.0.0.1:16200', scenario: uacScenario, seconds, pid: uasPid }, rates);
spawnSync('kill', [String(uasPid)]);

const core = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('support/answering-core.ts', import.meta.url)), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const kefuPort = await printedPort(core);
const kefu = await ramp({ target: `127.0.0.1:${kefuPort}`, scenario: uacScenario, seconds, pid: core.pid as number }, rates);
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
