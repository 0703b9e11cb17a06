/**
 * A real browser as an agent's phone: Debian's Chromium driven by playwright-core, its fake
 * microphone playing a tone from a WAV, a small page (webrtc/softphone.js with JsSIP, bundled
 * here by esbuild) served on loopback. The flags are those PEERS.md found Chromium needs to run
 * WebRTC on 127.0.0.1 headless.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, projectRoot } from './kefu-node.js';

export interface Registration {
  /** ws://host:port/sip of the Kefu node. */
  url: string;
  user: string;
  domain: string;
  password: string;
  /** Answer incoming calls at once. */
  autoAnswer: boolean;
}

export interface Heard {
  hz: number;
  db: number;
}

export interface BrowserStats {
  packetsReceived: number;
  packetsSent: number;
  codec: string;
}

const page = (script: string) => `<!doctype html><meta charset="utf-8"><title>Kefu softphone test</title><script>${script}</script>`;

export class BrowserPhone {
  /** What the page wrote to its console, and its errors. */
  readonly console: string[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    readonly page: Page,
  ) {
    page.on('console', (message) => this.console.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => this.console.push(`error: ${error.message}`));
  }

  /** Starts Chromium with a microphone playing `toneHz` (a WAV made with sox in `folder`). */
  static async start(folder: string, toneHz: number): Promise<BrowserPhone> {
    const microphone = join(folder, `microphone-${toneHz}.wav`);
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', microphone, 'synth', '30', 'sine', String(toneHz), 'vol', '0.5']);
    const bundled = await build({
      entryPoints: [join(projectRoot, 'test/e2e/webrtc/softphone.js')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const html = page(bundled.outputFiles[0]?.text.replaceAll('</script', '<\\/script') ?? '');
    const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const browser = await chromium.launch({
      executablePath: process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${microphone}`,
        '--allow-loopback-in-peer-connection',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        '--autoplay-policy=no-user-gesture-required',
        '--no-sandbox',
      ],
    });
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${port}/`);
    return new BrowserPhone(browser, server, tab);
  }

  register(registration: Registration): Promise<boolean> {
    return this.page.evaluate((r) => (globalThis as unknown as { softphone: { register(r: Registration): Promise<boolean> } }).softphone.register(r), registration);
  }

  call(target: string, domain: string): Promise<void> {
    return this.page.evaluate(([t, d]) => (globalThis as unknown as { softphone: { call(t: string, d: string): void } }).softphone.call(t, d), [target, domain] as const);
  }

  state(): Promise<'idle' | 'ringing' | 'established' | 'ended'> {
    return this.page.evaluate(() => (globalThis as unknown as { softphone: { state(): 'idle' | 'ringing' | 'established' | 'ended' } }).softphone.state());
  }

  /** Waits (polling, up to `ms`) until the call is in `state`. */
  async until(state: 'established' | 'ended', ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while ((await this.state()) !== state) {
      if (Date.now() > deadline) throw new Error(`the browser's call did not become ${state} within ${ms} ms; its log:\n${[...(await this.log()), ...this.console].join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  heard(): Promise<Heard> {
    return this.page.evaluate(() => (globalThis as unknown as { softphone: { heard(): Heard } }).softphone.heard());
  }

  stats(): Promise<BrowserStats> {
    return this.page.evaluate(() => (globalThis as unknown as { softphone: { stats(): Promise<BrowserStats> } }).softphone.stats());
  }

  keys(digits: string): Promise<void> {
    return this.page.evaluate((d) => (globalThis as unknown as { softphone: { keys(d: string): void } }).softphone.keys(d), digits);
  }

  hangup(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as { softphone: { hangup(): void } }).softphone.hangup());
  }

  log(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as { softphone: { log: string[] } }).softphone.log);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
