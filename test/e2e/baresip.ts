/**
 * baresip, a real softphone, for the end-to-end tests: headless (`baresip -f DIR` with a config
 * of its own in a temporary folder), driven over its ctrl_tcp module (netstring JSON commands,
 * events such as REGISTER_OK). Every wait is bounded; `stop` always ends the process and removes
 * the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within, type Exit } from './kefu-node.js';

export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  param?: string;
}

interface BaresipResponse {
  ok: boolean;
  data: string;
  token?: string;
}

export interface BaresipOptions {
  /** SIP port (UDP and TCP; baresip also takes port + 1 for TLS). */
  sipPort: number;
  /** Port of the ctrl_tcp control socket. */
  controlPort: number;
  /**
   * What the phone's microphone says: an 8 kHz mono 16-bit WAV (module aufile). Without one it
   * sends no audio, and so no RFC 4733 keys either. A call ends at the file's end: pad it.
   */
  audioFile?: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Splits netstrings (`<length>:<bytes>,`) from a byte stream. */
class NetstringReader {
  #buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const out: string[] = [];
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return out;
      const length = Number(this.#buffer.subarray(0, colon).toString('latin1'));
      if (!Number.isInteger(length) || length < 0) throw new Error(`baresip sent a bad netstring: ${this.#buffer.toString('latin1', 0, 40)}`);
      if (this.#buffer.length < colon + 1 + length + 1) return out;
      out.push(this.#buffer.subarray(colon + 1, colon + 1 + length).toString('utf8'));
      this.#buffer = this.#buffer.subarray(colon + 1 + length + 1);
    }
  }
}

export class Baresip {
  readonly events: BaresipEvent[] = [];
  readonly #responses = new Map<string, (response: BaresipResponse) => void>();
  #output = '';
  #exit: Exit | undefined;
  #token = 0;
  #control: Socket | undefined;
  readonly exited: Promise<Exit>;

  private constructor(
    readonly folder: string,
    readonly child: ChildProcess,
    readonly options: BaresipOptions,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (this.#output += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.#output += text));
    // Not installed: `node scripts/test-tools.mjs` (run by `npm test`) installs baresip-core.
    child.on('error', (error) => (this.#output += `cannot run baresip: ${error.message}\n`));
    this.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve((this.#exit = { code, signal }))));
  }

  /**
   * Starts baresip with no account, listening on 127.0.0.1 only, with G.711 and no sound device,
   * and connects to its control socket. `net_interface 127.0.0.1` makes it use loopback even on
   * a machine with no other address (without it, libre 1.1 finds no local address in an empty
   * network namespace and every REGISTER fails with "Protocol not supported").
   */
  static async start(options: BaresipOptions): Promise<Baresip> {
    const folder = mkdtempSync(join(tmpdir(), 'kefu-baresip-'));
    writeFileSync(
      join(folder, 'config'),
      [
        `sip_listen 127.0.0.1:${options.sipPort}`,
        'net_interface 127.0.0.1',
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module account.so',
        'module menu.so',
        ...(options.audioFile === undefined ? [] : ['module aufile.so']),
        'module ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${options.controlPort}`,
        'audio_player null',
        options.audioFile === undefined ? 'audio_source null' : `audio_source aufile,${options.audioFile}`,
        'audio_alert null',
        '',
      ].join('\n'),
    );
    writeFileSync(join(folder, 'accounts'), '');
    const child = spawn('baresip', ['-f', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    const phone = new Baresip(folder, child, options);
    try {
      await phone.connect(10_000);
    } catch (error) {
      await phone.stop();
      throw error;
    }
    return phone;
  }

  /** What baresip printed (its log), for assertion messages. */
  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Runs a menu command (`uanew …`, `reginfo`, `quit`) and returns its answer. */
  async command(command: string, params?: string, timeoutMs = 5000): Promise<BaresipResponse> {
    const control = this.#control;
    if (control === undefined || control.destroyed) throw new Error(`baresip's control socket is closed; it said:\n${this.#output}`);
    const token = String(++this.#token);
    const answered = new Promise<BaresipResponse>((resolve) => this.#responses.set(token, resolve));
    const json = Buffer.from(JSON.stringify(params === undefined ? { command, token } : { command, params, token }));
    control.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    return within(timeoutMs, `baresip to answer ${command}`, answered);
  }

  /** The first event of `type` at or after index `from` of `events`; fails early on any of `failures`. */
  async event(type: string, options: { from?: number; failures?: string[]; timeoutMs?: number } = {}): Promise<BaresipEvent> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const found = this.events.slice(options.from ?? 0).find((e) => e.type === type || options.failures?.includes(e.type));
      if (found !== undefined) {
        if (found.type !== type) throw new Error(`baresip reported ${found.type} (${found.param ?? ''}) waiting for ${type}:\n${this.#output}`);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`baresip sent no ${type} event; events ${JSON.stringify(this.events)}:\n${this.#output}`);
      if (!this.running) throw new Error(`baresip exited (${JSON.stringify(this.#exit)}) waiting for ${type}:\n${this.#output}`);
      await pause(20);
    }
  }

  /** Asks baresip to quit (it unregisters first) and waits for it to end; kills it if it does not. */
  async quit(timeoutMs = 40_000): Promise<Exit> {
    if (this.running) await this.command('quit').catch(() => undefined);
    try {
      return await within(timeoutMs, 'baresip to quit', this.exited);
    } finally {
      await this.stop();
    }
  }

  /** Ends the process if it still runs and removes its folder. Safe to call twice. */
  async stop(): Promise<void> {
    this.#control?.destroy();
    if (this.running) {
      this.child.kill('SIGKILL');
      await within(10_000, 'baresip to die', this.exited);
    }
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async connect(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`baresip exited (${JSON.stringify(this.#exit)}) at start:\n${this.#output}`);
      const socket = new Socket();
      const connected = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('error', () => resolve(false));
        socket.connect(this.options.controlPort, '127.0.0.1');
      });
      if (connected) {
        this.listen(socket);
        return;
      }
      socket.destroy();
      if (Date.now() > deadline) throw new Error(`baresip's ctrl_tcp did not open within ${timeoutMs} ms:\n${this.#output}`);
      await pause(50);
    }
  }

  private listen(socket: Socket): void {
    this.#control = socket;
    const reader = new NetstringReader();
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const text of reader.push(chunk)) {
        const message = JSON.parse(text) as { event?: boolean; response?: boolean } & BaresipEvent & BaresipResponse;
        if (message.event === true) this.events.push(message);
        else if (message.response === true && message.token !== undefined) this.#responses.get(message.token)?.(message);
      }
    });
  }
}
