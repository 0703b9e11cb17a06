/**
 * Registered SIPp phones that talk, for the end-to-end tests of calls with several parties: an
 * agent's phone (registered with digest, answering the next call Kefu places to it) and a caller
 * into the demo hotline who presses 0 for an agent; each sends a steady tone from an RtpPeer and
 * keeps what it hears.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { RtpPeer, tonePower } from '../helpers/rtp-peer.js';
import { ivrScenario, type IvrScenario } from './ivr-scenario.js';
import { freeMediaPort, freePort } from './kefu-node.js';
import { answeringAfter } from './phone-scenarios.js';
import { runSipp, sipp, type SippRun } from './sipp.js';

export interface TalkingPhone {
  /** Settles when the phone's call is over (Kefu's BYE, or its own after `byeAfterMs`). */
  run: Promise<SippRun>;
  peer: RtpPeer;
  /** Settles once the phone hears Kefu and speaks back. */
  talking: Promise<void>;
}

/** Starts speaking `hz` back to whoever sends RTP to `peer` first. */
async function speakBack(peer: RtpPeer, hz: number): Promise<void> {
  while (peer.sources.size === 0) await delay(20);
  peer.playBack(hz);
}

/**
 * The port each extension's phone registered from, by node: a phone answers from the same port
 * every time, so that its binding is refreshed rather than joined by another. A binding left at
 * a port the phone gave up is still rung, and once another test's process holds that port, it
 * could answer the agent's call.
 */
const phonePorts = new Map<string, number>();

/** Registers `extension` and answers the next call to it, saying `hz`. */
export async function answeringPhone(sipPort: number, extension: string, password: string, hz: number, byeAfterMs?: number): Promise<TalkingPhone> {
  const key = `${sipPort}/${extension}`;
  const port = phonePorts.get(key) ?? (await freePort());
  phonePorts.set(key, port);
  const registered = await sipp(`127.0.0.1:${sipPort}`, { scenario: 'register', expect: 200, fields: [`${extension};demo`], port, extra: ['-au', extension, '-ap', password] });
  assert.equal(registered.code, 0, registered.errors);
  const peer = await RtpPeer.open({ codec: 'PCMU' });
  const run = runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', '1', '-trace_err', '-nostdin', '-timeout', '120'], { 'phone.xml': answeringAfter(0, byeAfterMs)(extension, peer.port) }, 150_000);
  return { run, peer, talking: speakBack(peer, hz) };
}

/** Calls the demo hotline as `caller`, presses 0 for an agent, and says `hz`. */
export async function hotlineCaller(sipPort: number, caller: string, hz: number, end: IvrScenario['end'], expectByeReason?: string): Promise<TalkingPhone> {
  const peer = await RtpPeer.open({ codec: 'PCMU' });
  const run = runSipp(
    [`127.0.0.1:${sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '120'],
    {
      'scenario.xml': ivrScenario({ caller, steps: [{ pauseMs: 1500, keys: '0' }], end, ...(expectByeReason === undefined ? {} : { expectByeReason }) }),
      'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n`,
    },
    150_000,
  );
  return { run, peer, talking: speakBack(peer, hz) };
}

/**
 * Level in dBFS of each frequency in the next `ms` of audio `peer` hears, counted in samples
 * received rather than wall-clock time (a loaded machine may deliver a second late); -120 for
 * a frequency absent, or when nothing came within ten seconds more.
 */
export async function hearing(peer: RtpPeer, hz: number[], ms = 1500): Promise<Record<number, number>> {
  const from = peer.heard.length;
  const deadline = Date.now() + ms + 10_000;
  while (peer.heard.length < from + ms * 8 && Date.now() < deadline) await delay(50);
  const samples = Int16Array.from(peer.heard.slice(from, from + ms * 8));
  if (samples.length === 0) return Object.fromEntries(hz.map((f) => [f, -120]));
  return Object.fromEntries(hz.map((f) => [f, 10 * Math.log10(tonePower(samples, f) / (32768 * 32768) + 1e-12)]));
}
