/**
 * SIPp, the real SIP peer of the end-to-end tests: a scenario (from test/e2e/scenarios, with
 * `__EXPECT__` set to the status it must end on) run against a Kefu node, bounded in time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SippRun {
  code: number | null;
  /** sipp's error log, when it wrote one: why a call failed. */
  errors: string;
  /** sipp's last screen, when run with `-trace_screen`: per-message counts and retransmissions. */
  screen: string;
  /** Every message sent and received with its time, when run with `-trace_msg`. */
  messages: string;
}

export interface SippOptions {
  scenario: string;
  expect?: number;
  /** Lines of the injection file: `field0;field1;…`. */
  fields?: string[];
  port: number;
  transport?: 'u1' | 't1';
  extra?: string[];
  timeoutMs?: number;
}

export async function sipp(target: string, options: SippOptions): Promise<SippRun> {
  const template = readFileSync(fileURLToPath(new URL(`scenarios/${options.scenario}.xml`, import.meta.url)), 'utf8');
  const files: Record<string, string> = { 'scenario.xml': template.replaceAll('__EXPECT__', String(options.expect ?? 200)) };
  const args = [target, '-sf', 'scenario.xml', '-p', String(options.port), '-t', options.transport ?? 'u1', '-m', '1', '-timeout', '20', '-trace_err', '-nostdin'];
  if (options.fields !== undefined) {
    files['fields.csv'] = `SEQUENTIAL\n${options.fields.join('\n')}\n`;
    args.push('-inf', 'fields.csv');
  }
  args.push(...(options.extra ?? []));
  return runSipp(args, files, options.timeoutMs ?? 30_000);
}

/**
 * Runs sipp with `args` in a folder of its own holding `files` (it writes its logs where it
 * runs); kills it after `timeoutMs`, or when `stop` aborts (a phone that takes however many calls
 * come); removes the folder.
 */
export async function runSipp(args: string[], files: Record<string, string | Buffer>, timeoutMs: number, stop?: AbortSignal): Promise<SippRun> {
  const folder = mkdtempSync(join(tmpdir(), 'kefu-sipp-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('sipp', args, { cwd: folder, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const kill = () => child.kill('SIGKILL');
      stop?.addEventListener('abort', kill);
      child.on('close', (status) => {
        clearTimeout(timer);
        stop?.removeEventListener('abort', kill);
        resolve(status);
      });
    });
    return { code, errors: readLogs(folder, '_errors.log'), screen: readLogs(folder, '_screen.log'), messages: readLogs(folder, '_messages.log') };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function readLogs(folder: string, suffix: string): string {
  return readdirSync(folder)
    .filter((name) => name.endsWith(suffix))
    .map((name) => readFileSync(join(folder, name), 'utf8'))
    .join('\n');
}
