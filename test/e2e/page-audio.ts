/**
 * What a web page's WebRTC calls hear and send, measured from outside the app: an init script
 * (webrtc/peer-connection-probe.js) keeps every RTCPeerConnection the page makes, the app itself
 * having no test hooks, and reads the newest one's inbound audio through an AnalyserNode
 * (headless Chromium reports inbound audioLevel 0, PEERS.md) and its RTP counters.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from './kefu-node.js';

export interface PageHeard {
  hz: number;
  db: number;
  packetsReceived: number;
  packetsSent: number;
  codec: string;
  /** How many peer connections the page has made since it loaded. */
  connections: number;
}

/** Chromium's flags for a fake microphone playing `toneHz` (a WAV made with sox in `folder`) and WebRTC on loopback. */
export function fakeMicrophone(folder: string, toneHz: number): string[] {
  const wav = join(folder, `microphone-${toneHz}.wav`);
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', wav, 'synth', '60', 'sine', String(toneHz), 'vol', '0.5']);
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
  ];
}

/** Keeps the page's peer connections for `pageHeard`, from before any script of the page runs (after reloads too). */
export async function watchPeerConnections(page: Page): Promise<void> {
  await page.addInitScript({ path: join(projectRoot, 'test/e2e/webrtc/peer-connection-probe.js') });
}

/** The newest peer connection's inbound audio now: strongest frequency and level, and RTP counters. */
export function pageHeard(page: Page): Promise<PageHeard> {
  return page.evaluate(() => (globalThis as unknown as { peerConnectionProbe: { heard(): Promise<PageHeard> } }).peerConnectionProbe.heard());
}

/** Polls until the page hears `hz` (within 12 Hz, above -50 dB) with more than `packets` received and sent, or `ms` pass: the last reading. */
export async function pageHears(page: Page, hz: number, ms: number, packets = 50): Promise<PageHeard & { at: number }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const heard = await pageHeard(page);
    const at = Date.now();
    if ((heard.packetsReceived > packets && heard.packetsSent > packets && Math.abs(heard.hz - hz) <= 12 && heard.db > -50) || at > deadline) return { ...heard, at };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
