/**
 * What a web page's WebRTC calls hear and send, measured from outside the app: an init script
 * (webrtc/peer-connection-probe.js) keeps every RTCPeerConnection the page makes, the app itself
 * having no test hooks, listens to each one's inbound audio through an AnalyserNode (headless
 * Chromium reports inbound audioLevel 0, PEERS.md) and notes when it first heard each tone.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from './kefu-node.js';

export interface PageHeard {
  hz: number;
  db: number;
  /** When (epoch ms, the page's clock: this machine's) the connection first heard the frequency asked about above -50 dB. */
  firstHeardAt: number | null;
  /** When (epoch ms) the page made the connection: for a call it answers, when its INVITE arrived. */
  createdAt: number | null;
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

/** The newest peer connection's inbound audio now: strongest frequency and level, when it first heard `hz`, and RTP counters. */
export function pageHeard(page: Page, hz: number): Promise<PageHeard> {
  return page.evaluate((tone) => (globalThis as unknown as { peerConnectionProbe: { heard(hz: number): Promise<PageHeard> } }).peerConnectionProbe.heard(tone), hz);
}

/** Polls until the page hears `hz` (within 12 Hz, above -50 dB) with more than `packets` received and sent, or `ms` pass: the last reading. */
export async function pageHears(page: Page, hz: number, ms: number, packets = 50): Promise<PageHeard> {
  const deadline = Date.now() + ms;
  for (;;) {
    const heard = await pageHeard(page, hz);
    if ((heard.packetsReceived > packets && heard.packetsSent > packets && Math.abs(heard.hz - hz) <= 12 && heard.db > -50) || Date.now() > deadline) return heard;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The newest peer connection's inbound level (dB) now at each frequency of `hz`: several tones heard at once (a supervisor listening). */
export function pageLevels(page: Page, hz: number[]): Promise<number[]> {
  return page.evaluate((tones) => (globalThis as unknown as { peerConnectionProbe: { levels(hz: number[]): number[] } }).peerConnectionProbe.levels(tones), hz);
}
