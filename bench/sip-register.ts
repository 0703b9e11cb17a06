/**
 * Registrations per second with digest: SIPp registers 1,000 distinct agents in turn (REGISTER,
 * 401, REGISTER with MD5 credentials, 200) at rising rates, first against a SIPp UAS answering
 * the same 401 and 200 itself (the baseline: what the load generator and loopback manage), then
 * against Kefu's SIP server with its real registrar (directory lookups, digest check, bindings
 * written to the database: embedded, or PostgreSQL with DATABASE_URL). For each target: the highest rate with no failed
 * registration and p99 first REGISTER→200 under 50 ms, and the target's CPU. One JSON line.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/e2e/kefu-node.js';
import { printedPort, ramp, step } from './support/sipp-ramp.js';

const rates = [25, 50, 100, 200, 300, 400, 600, 800, 1000, 1300, 1600, 2000];
const seconds = 5;
const agents = 1000;
const firstExtension = 20_000;
const password = 'bench-sip-secret';

const scenarioFile = (name: string) => readFileSync(fileURLToPath(new URL(`support/sipp/${name}`, import.meta.url)), 'utf8');
const fields = ['SEQUENTIAL'];
for (let i = 0; i < agents; i++) {
  const extension = firstExtension + i;
  fields.push(`${extension};127.0.0.1;[authentication username=${extension} password=${password}]`);
}
const files = { 'register.xml': scenarioFile('register-uac.xml'), 'agents.csv': `${fields.join('\n')}\n` };
const scenario = ['-sf', 'register.xml', '-inf', 'agents.csv'];

const uasPort = await freePort();
const uas = spawn('sipp', ['-sf', fileURLToPath(new URL('support/sipp/register-uas.xml', import.meta.url)), '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin'], { stdio: 'ignore' });
await new Promise((resolve) => setTimeout(resolve, 1000));
const baseline = await ramp({ target: `127.0.0.1:${uasPort}`, scenario, files, seconds, pid: uas.pid as number }, rates);
uas.kill('SIGKILL');

const registrar = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('support/registrar.ts', import.meta.url)), String(agents), String(firstExtension), password], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const kefuPort = await printedPort(registrar);
// A first, unmeasured step: compiled code paths and the database's caches warm, every agent bound once.
await step({ target: `127.0.0.1:${kefuPort}`, scenario, files, seconds: agents / 50, pid: registrar.pid as number }, 50);
const kefu = await ramp({ target: `127.0.0.1:${kefuPort}`, scenario, files, seconds, pid: registrar.pid as number }, rates);
registrar.kill('SIGTERM');
await new Promise((resolve) => registrar.once('exit', resolve));

process.stdout.write(
  `${JSON.stringify({
    bench: 'sip-register',
    agents,
    secondsPerStep: seconds,
    kefuRegistrationsPerSecond: kefu.best?.rate ?? 0,
    kefuP99Ms: kefu.best?.p99Ms ?? null,
    kefuCpuPercent: kefu.best?.cpuPercent ?? null,
    sippUasRegistrationsPerSecond: baseline.best?.rate ?? 0,
    sippUasCpuPercent: baseline.best?.cpuPercent ?? null,
    ratioToSippUas: baseline.best ? Math.round(((kefu.best?.rate ?? 0) / baseline.best.rate) * 100) / 100 : null,
    kefuSteps: kefu.steps,
    sippUasSteps: baseline.steps,
  })}\n`,
);
