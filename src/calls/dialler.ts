/**
 * Dialling out from an answered call (the `dial` and `queue` verbs): each target in turn, every
 * phone registered for it at once (RFC 3261 §16-like forking done by the UAC), the first to
 * answer bridged to the caller, the others cancelled; the call to it ends when either side
 * hangs up. What a target is (which phones) is the application's answer (`reach`).
 */
import { randomInt } from 'node:crypto';
import type { MediaEngine } from '../media/index.js';
import { createOffer, readAnswer, type LocalMedia } from '../sdp/index.js';
import { parsePeer, type Dialog, type InviteOptions, type OutgoingInvite } from '../sip/index.js';
import type { DialTarget } from './inbound.js';
import type { Leg } from './leg.js';
import { remoteOf } from './remote-endpoint.js';
import type { DialOptions, DialOutcome } from './voice-channel.js';

export interface DiallerOptions {
  engine: MediaEngine;
  mediaAddress: string;
  invite(options: InviteOptions): OutgoingInvite;
  /** Told when an outbound dialog ends, so that the bridge comes down. */
  onDialogEnd(dialog: Dialog, listener: () => void): void;
}

export interface Attempt {
  invite: OutgoingInvite;
  session: string;
  local: LocalMedia;
}

export class Dialler {
  constructor(private readonly options: DiallerOptions) {}

  async dial(leg: Leg, callerId: string, reach: (target: string) => Promise<DialTarget[]>, options: DialOptions): Promise<DialOutcome> {
    for (const target of options.targets) {
      if (leg.hungUp) return { answered: false, reason: 'hangup' };
      const phones = await reach(target);
      if (phones.length === 0) continue;
      const answered = await this.ring(leg.session, leg.ended, callerId, phones, options.timeoutMs);
      if (answered !== undefined) {
        await this.connect(leg, answered);
        return { answered: true, target };
      }
    }
    return { answered: false, reason: leg.hungUp ? 'hangup' : 'no-answer' };
  }

  /**
   * Rings every phone of a target from sessions placed near `near` (or anywhere); the first 2xx
   * wins, the rest are cancelled; all are cancelled at `giveUp` or after `timeoutMs`.
   */
  async ring(near: string | undefined, giveUp: Promise<unknown>, callerId: string, phones: DialTarget[], timeoutMs: number): Promise<{ dialog: Dialog; attempt: Attempt } | undefined> {
    let abandoned = false;
    const attempts: Attempt[] = [];
    for (const phone of phones) {
      const peer = parsePeer(phone.source);
      if (peer === undefined) continue;
      const created = await this.options.engine.createSession(near === undefined ? {} : { near });
      const session = created.id;
      const local: LocalMedia = {
        address: this.options.mediaAddress,
        port: created.port,
        codecs: ['PCMU', 'PCMA'],
        telephoneEvent: true,
        sessionId: randomInt(1, 2 ** 31),
        sessionVersion: 1,
      };
      const invite = this.options.invite({
        uri: phone.uri,
        from: `<sip:${callerId}@${this.options.mediaAddress}>`,
        peer,
        headers: [['Content-Type', 'application/sdp']],
        body: Buffer.from(createOffer(local)),
      });
      attempts.push({ invite, session, local });
    }
    let winner: { dialog: Dialog; attempt: Attempt } | undefined;
    const timeout = setTimeout(() => attempts.forEach((a) => a.invite.cancel()), timeoutMs);
    void giveUp.then(() => {
      abandoned = true;
      attempts.forEach((a) => a.invite.cancel());
    });
    await Promise.all(
      attempts.map(async (attempt) => {
        const outcome = await attempt.invite.result;
        if (outcome.kind !== 'answered') return;
        const answer = readAnswer(outcome.response.body.toString('utf8'), attempt.local);
        if (winner !== undefined || abandoned || !answer.ok) {
          await outcome.dialog.bye().catch(() => undefined);
          return;
        }
        winner = { dialog: outcome.dialog, attempt };
        await this.options.engine.setRemote(attempt.session, remoteOf(answer.audio));
        attempts.forEach((other) => other !== attempt && other.invite.cancel());
      }),
    );
    clearTimeout(timeout);
    for (const attempt of attempts) {
      if (attempt !== winner?.attempt) await this.options.engine.destroy(attempt.session).catch(() => null);
    }
    return winner;
  }

  /** Bridges the caller to the answered phone until one of them hangs up. */
  private async connect(leg: Leg, answered: { dialog: Dialog; attempt: Attempt }): Promise<void> {
    const { dialog, attempt } = answered;
    const calleeGone = new Promise<void>((resolve) => this.options.onDialogEnd(dialog, resolve));
    await leg.bridge(attempt.session);
    await Promise.race([calleeGone, leg.ended]);
    await leg.unbridge();
    if (leg.hungUp) await dialog.bye().catch(() => undefined);
    await this.options.engine.destroy(attempt.session).catch(() => null);
  }
}
