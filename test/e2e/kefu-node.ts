/**
 * A real Kefu node as a child process (`node dist/main.js`), for the end-to-end tests and the
 * start-up benchmark: build once, pick a free port, start with a clean environment, wait for
 * /healthz, read its stdout and stderr, stop it with a signal. Every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainScript = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * Builds dist/ with `npm run build` (whatever the project's build is); throws with its output on
 * failure. Under `npm test` the build was made once before the files run (KEFU_DIST_BUILT), so
 * test files running side by side do not rebuild it under each other's servers.
 */
export function buildDist(): void {
  if (process.env.KEFU_DIST_BUILT === '1') return;
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
}

/** A port nobody listens on right now on 127.0.0.1 (the OS picks it; we close and reuse it). */
/**
 * A port free for TCP and UDP, below the kernel's ephemeral range (32768–60999 on Linux) and
 * below the nodes' RTP windows (from 20000): there, a port found free stays free until used,
 * since no outgoing connection or RTP socket is given one.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 10_000 + randomInt(10_000);
    if ((await canListen(port)) && (await canBind(port))) return port;
  }
}

/**
 * A port for SIPp's media (`-mp`): SIPp binds it and the next three (audio RTP and RTCP, video
 * RTP and RTCP), so all four must be free — one taken made SIPp exit with "Address already in use".
 */
export async function freeMediaPort(): Promise<number> {
  for (;;) {
    const port = 10_000 + 2 * randomInt(4_998);
    const free = await Promise.all([0, 1, 2, 3].map((offset) => canBind(port + offset)));
    if (free.every(Boolean)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const udp = createSocket('udp4');
    udp.once('error', () => resolve(false));
    udp.bind(port, '127.0.0.1', () => udp.close(() => resolve(true)));
  });
}

/**
 * The environment for a child: this process's, less every Kefu setting (a developer's shell or
 * CI's DATABASE_URL must not leak in), plus `settings`.
 */
export function nodeEnvironment(settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('KEFU_') && name !== 'DATABASE_URL') env[name] = value;
  }
  for (const [name, value] of Object.entries(settings)) if (value !== undefined) env[name] = value;
  return env;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves with `promise`, or rejects after `ms` saying what was awaited. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KefuNode {
  readonly child: ChildProcess;
  /** Resolves when the process has ended and its output is closed. */
  readonly exited: Promise<Exit>;
  #stdout = '';
  #stderr = '';
  #exit: Exit | undefined;

  private constructor(
    readonly url: string,
    /** The SIP port (UDP and TCP) it was given. */
    readonly sipPort: number,
    env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    this.child = spawn(process.execPath, [mainScript], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => (this.#stdout += text));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.#stderr += text));
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve((this.#exit = { code, signal })));
    });
  }

  /**
   * Starts a node listening on 127.0.0.1 at a free port, with `settings` (KEFU_*, DATABASE_URL) as
   * its only Kefu settings. `cwd` matters: a kefu.yaml there would be read. A KEFU_SIP_PORT in
   * `settings` is kept (a restarted node where its phones registered), else one is picked.
   */
  static async start(settings: Record<string, string | undefined>, cwd: string): Promise<KefuNode> {
    const port = await freePort();
    const sipPort = settings.KEFU_SIP_PORT !== undefined ? Number(settings.KEFU_SIP_PORT) : await freePort();
    // Nodes of tests running side by side each take their own window of RTP ports.
    const rtpMin = 20_000 + 2 * Math.floor(Math.random() * 18_000);
    const env = nodeEnvironment({
      KEFU_HOST: '127.0.0.1',
      KEFU_HTTP_PORT: String(port),
      KEFU_SIP_PORT: String(sipPort),
      KEFU_RTP_PORT_MIN: String(rtpMin),
      KEFU_RTP_PORT_MAX: String(rtpMin + 999),
      ...settings,
    });
    return new KefuNode(`http://127.0.0.1:${port}`, sipPort, env, cwd);
  }

  /** Starts a node whose settings may be wrong: no port is chosen for it. */
  static run(settings: Record<string, string | undefined>, cwd: string): KefuNode {
    return new KefuNode('http://127.0.0.1:0', 0, nodeEnvironment(settings), cwd);
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /**
   * Polls /healthz until it answers 200; fails at once if the process ends first. A first start
   * on the embedded database took up to 99 s on a 2-core machine at load 20, hence 3 minutes.
   */
  async ready(timeoutMs = 180_000, pollMs = 50): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`kefu exited (${JSON.stringify(this.#exit)}) before it was ready:\n${this.#stderr}${this.#stdout}`);
      try {
        const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await pause(pollMs);
    }
    throw new Error(`kefu did not answer /healthz within ${timeoutMs} ms:\n${this.#stderr}${this.#stdout}`);
  }

  /** Waits until stdout matches `pattern` (the banner, a log line) and returns what it has so far. */
  async output(pattern: RegExp, timeoutMs = 10_000, pollMs = 50): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.#stdout)) {
      if (Date.now() > deadline) throw new Error(`stdout did not show ${pattern} within ${timeoutMs} ms:\n${this.#stdout}`);
      if (!this.running) throw new Error(`kefu exited before stdout showed ${pattern}:\n${this.#stderr}${this.#stdout}`);
      await pause(pollMs);
    }
    return this.#stdout;
  }

  /** Sends `signal` and waits (bounded) for the process to end. */
  async stop(signal: NodeJS.Signals, timeoutMs = 10_000): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return within(timeoutMs, `kefu to exit after ${signal}`, this.exited);
  }
}
