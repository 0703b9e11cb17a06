/**
 * Dialling out from an answered call (the `dial` and `queue` verbs, a transfer): each target in
 * turn, every phone registered for it at once (RFC 3261 §16-like forking done by the UAC), the
 * first to answer bridged to the caller, the others cancelled; the call to it ends when either
 * side hangs up. While it rings the caller hears ringback, or the far end's own early media when
 * it sends a 183 with SDP (RFC 3960). Every phone rung is a leg of the call, ended with its cause.
 * A dial may screen whoever answers before connecting them ("press 1 to accept", answer-confirmation.ts).
 * What a target is (which phones, or an outside number at a carrier's trunk with the From,
 * P-Asserted-Identity and credentials it wants) is the application's answer (`reach`).
 */
import type { MediaEngine } from '../media/index.js';
import { createOffer, readAnswer } from '../sdp/index.js';
import { parsePeer, type Dialog, type InviteOptions, type OutgoingInvite, type SipResponse } from '../sip/index.js';
import { localMedia } from './answering.js';
import { confirmAnswer, releaseCause } from './answer-confirmation.js';
import type { Answered, Attempt, NotAnswered } from './attempt.js';
import type { Call, LegRole } from './call.js';
import { Connection } from './connection.js';
import { causeOfStatus, reasonHeader, type HangupCause, type HangupSide } from './hangup-cause.js';
import type { DialTarget } from './inbound.js';
import type { Leg } from './leg.js';
import { moveNear } from './media-move.js';
import { remoteOf } from './remote-endpoint.js';
import type { AnswerConfirmation, DialOptions, DialOutcome } from './voice-channel.js';

export interface DiallerOptions {
  engine: MediaEngine;
  mediaAddress: string;
  invite(options: InviteOptions): OutgoingInvite;
  /** Told when an outbound dialog ends (the far end's BYE, with its cause), so that the bridge comes down. */
  onDialogEnd(dialog: Dialog, listener: (cause: HangupCause, by: HangupSide) => void): void;
  /** Told when a caller is connected to a party (or no longer: undefined), for transfers. */
  onConnection(connection: Connection, party: Answered | undefined): void;
}

/** How long a transfer target may ring. */
const TRANSFER_RING_MS = 30_000;
/** The least a phone that registered again is given to answer a recall by itself. */
const RECALL_RING_MS = 5_000;

/** What to ring: the phones of one target, as legs of `call`. */
export interface Ringing {
  call: Call;
  role: LegRole;
  target: string;
  callerId: string;
  phones: DialTarget[];
  timeoutMs: number;
  /** The session the new ones must share a worker with (the caller's, to bridge), if any. */
  near?: string;
  /** Settles when ringing must stop (the caller hung up). */
  giveUp: Promise<unknown>;
  /** The caller's leg, to hear ringback or early media meanwhile. */
  caller?: Leg;
  /** What the first INVITE waits for (DialOptions.ready). */
  ready?: Promise<boolean>;
}

export class Dialler {
  constructor(private readonly options: DiallerOptions) {}

  async dial(call: Call, leg: Leg, callerId: string, reach: (target: string) => Promise<DialTarget[]>, options: DialOptions): Promise<DialOutcome> {
    let cause: HangupCause = 'no_route_destination';
    let cancelled = false;
    void options.cancel?.then(() => (cancelled = true));
    void options.ready?.then((ready) => (cancelled ||= !ready));
    const giveUp = options.cancel === undefined ? leg.ended : Promise.race([leg.ended, options.cancel]);
    for (const target of options.targets) {
      if (leg.hungUp) return { answered: false, reason: 'hangup' };
      if (cancelled) return { answered: false, reason: 'cancelled' };
      const phones = await reach(target);
      if (phones.length === 0) continue;
      const ringing: Ringing = {
        call,
        role: 'callee',
        target,
        callerId,
        phones,
        timeoutMs: options.timeoutMs,
        near: leg.session,
        giveUp,
        ...(options.ringback === false ? {} : { caller: leg }),
        ...(options.ready === undefined ? {} : { ready: options.ready }),
      };
      const answered = await this.ring(ringing);
      if ('dialog' in answered) {
        const refused = options.confirm === undefined ? undefined : await this.screen(answered, options.confirm, giveUp);
        if (refused !== undefined) {
          cause = refused;
          continue;
        }
        if (options.onAnswer !== undefined && !(await options.onAnswer(target))) {
          await this.release(answered, 'normal_clearing');
          return { answered: false, reason: 'cancelled' };
        }
        await this.connect(call, leg, answered, callerId, reach, options.onTransfer);
        return { answered: true, target };
      }
      cause = answered.cause;
    }
    if (leg.hungUp) return { answered: false, reason: 'hangup' };
    if (cancelled) return { answered: false, reason: 'cancelled' };
    return { answered: false, reason: cause === 'user_busy' ? 'busy' : cause === 'no_answer' || cause === 'no_user_response' ? 'no-answer' : 'failed', cause };
  }

  /**
   * Screens the party that answered (`confirm`): undefined when they accepted; otherwise they
   * are hung up (unless they hung up themselves) and the cause the dial reports is returned.
   */
  private async screen(answered: Answered, confirm: AnswerConfirmation, giveUp: Promise<unknown>): Promise<HangupCause | undefined> {
    const gone = new Promise<{ cause: HangupCause; by: HangupSide }>((resolve) => this.options.onDialogEnd(answered.dialog, (cause, by) => resolve({ cause, by })));
    const verdict = await confirmAnswer(this.options.engine, answered, confirm, { gone, giveUp });
    if (verdict === 'accepted') return undefined;
    if (verdict === 'party-gone') {
      const { cause, by } = await gone;
      answered.attempt.leg.end(cause, by);
      await this.options.engine.destroy(answered.attempt.session).catch(() => null);
      return 'call_rejected';
    }
    const cause = releaseCause(verdict);
    await this.release(answered, cause);
    return cause;
  }

  /** Hangs up a phone that answered but is not wanted after all. */
  private async release(answered: Answered, cause: HangupCause): Promise<void> {
    answered.attempt.leg.end(cause, 'kefu');
    await answered.dialog.bye({ headers: [reasonHeader(cause)] }).catch(() => undefined);
    await this.options.engine.destroy(answered.attempt.session).catch(() => null);
  }

  /**
   * Rings every phone of a target; the first 2xx wins, the rest are cancelled; all are cancelled
   * at `giveUp` or after `timeoutMs` (RFC 3261 §9.1).
   */
  async ring(ringing: Ringing): Promise<Answered | NotAnswered> {
    const early = new EarlyMedia(ringing.caller, this.options.engine);
    const attempts = await this.invite(ringing, early);
    // Every phone was a trunk whose calls were all taken meanwhile (Q.850 cause 42).
    if (attempts.length === 0 && ringing.phones.some((phone) => phone.seize !== undefined)) return { cause: 'switch_congestion' };
    let winner: Answered | undefined;
    let stopped: { cause: HangupCause; by: HangupSide } | undefined;
    const stop = (cause: HangupCause, by: HangupSide) => {
      stopped ??= { cause, by };
      attempts.forEach((a) => a.invite.cancel());
    };
    const timeout = setTimeout(() => stop('no_answer', 'callee'), ringing.timeoutMs);
    void ringing.giveUp.then(() => stop('normal_clearing', 'caller'));
    await early.ringback();
    const failures: HangupCause[] = [];
    let answered: () => void = () => undefined;
    const won = new Promise<void>((resolve) => (answered = resolve));
    const settled = attempts.map(async (attempt) => {
      const outcome = await attempt.invite.result;
      if (outcome.kind === 'failed') {
        const status = outcome.response.status;
        // Ours cancelled: the reason we cancelled, not the 487 it earned.
        const cause = status === 487 && stopped !== undefined ? stopped : { cause: causeOfStatus(status), by: 'callee' as const };
        attempt.leg.end(winner === undefined ? cause.cause : 'normal_clearing', winner === undefined ? cause.by : 'kefu', status);
        failures.push(causeOfStatus(status));
        await early.failed(attempt);
        return;
      }
      const answer = readAnswer(outcome.response.body.toString('utf8'), attempt.local);
      if (winner !== undefined || stopped !== undefined || !answer.ok) {
        const cause: HangupCause = answer.ok ? 'normal_clearing' : 'incompatible_destination';
        attempt.leg.to('up');
        attempt.leg.end(cause, 'kefu');
        await outcome.dialog.bye({ headers: [reasonHeader(cause)] }).catch(() => undefined);
        return;
      }
      winner = { dialog: outcome.dialog, attempt };
      attempt.leg.to('up');
      await this.options.engine.setRemote(attempt.session, remoteOf(answer.audio));
      attempts.forEach((other) => other !== attempt && other.invite.cancel());
      answered();
    });
    // The first answer ends the ringing: a phone that never answered anything can't be
    // cancelled before its first provisional response (RFC 3261 §9.1), and may take Timer B.
    await Promise.race([won, Promise.all(settled)]);
    clearTimeout(timeout);
    await early.done();
    attempts.forEach((attempt, i) => {
      if (attempt === winner?.attempt) return;
      void settled[i]!.catch(() => undefined).then(() => this.options.engine.destroy(attempt.session).catch(() => null));
    });
    if (winner !== undefined) return winner;
    return { cause: stopped?.cause ?? mostTelling(failures) };
  }

  /** Sends the INVITEs, each from a session near the caller's, each a leg of the call. */
  private async invite(ringing: Ringing, early: EarlyMedia): Promise<Attempt[]> {
    const attempts: Attempt[] = [];
    for (const phone of ringing.phones) {
      const peer = parsePeer(phone.source);
      const release = peer === undefined ? undefined : phone.seize?.();
      if (peer === undefined || (phone.seize !== undefined && release === undefined)) continue;
      // A phone registered over WebSocket is a browser (RFC 7118): it takes only DTLS-SRTP with ICE.
      const webrtc = isBrowser(phone.source);
      const created = await this.options.engine.createSession({ webrtc, ...(ringing.near === undefined ? {} : { near: ringing.near }) });
      if (ringing.ready !== undefined && !(await ringing.ready)) {
        release?.();
        await this.options.engine.destroy(created.id).catch(() => null);
        return attempts;
      }
      const local = localMedia(this.options.mediaAddress, created);
      const attempt = {} as Attempt;
      const invite = this.options.invite({
        uri: phone.uri,
        from: phone.from ?? `<sip:${ringing.callerId}@${this.options.mediaAddress}>`,
        peer,
        headers: [['Content-Type', 'application/sdp'], ...(phone.headers ?? [])],
        body: Buffer.from(createOffer(local)),
        ...(phone.credentials === undefined ? {} : { credentials: phone.credentials }),
        onProvisional: (response) => this.provisional(attempt, response, early),
      });
      const from = phone.callerId ?? ringing.callerId;
      const leg = ringing.call.addLeg({ role: ringing.role, sipCallId: invite.request.callId ?? '', direction: 'outbound', from, to: phone.uri, target: ringing.target });
      if (release !== undefined) leg.whenEnded(release);
      Object.assign(attempt, { invite, session: created.id, local, leg });
      attempts.push(attempt);
    }
    return attempts;
  }

  /** RFC 3261 §13.2.2.1: 180 rings; a 183 with SDP brings early media the caller hears instead of ringback. */
  private provisional(attempt: Attempt, response: SipResponse, early: EarlyMedia): void {
    if (attempt.leg === undefined || response.status === 100) return;
    if (response.body.length === 0) {
      attempt.leg.state.tryTo('ringing');
      return;
    }
    const answer = readAnswer(response.body.toString('utf8'), attempt.local);
    if (!answer.ok) return;
    attempt.leg.state.tryTo('early');
    void this.options.engine
      .setRemote(attempt.session, remoteOf(answer.audio))
      .then(() => early.hear(attempt))
      .catch(() => null);
  }

  /** Bridges the caller to the answered phone until one of them hangs up, following transfers. */
  private async connect(call: Call, leg: Leg, answered: Answered, callerId: string, reach: (target: string) => Promise<DialTarget[]>, transferred: DialOptions['onTransfer']): Promise<void> {
    const connection = new Connection(leg, answered, {
      engine: this.options.engine,
      ring: async (target, caller, role = 'transfer') => {
        const phones = await reach(target);
        if (phones.length === 0) return { cause: 'unallocated_number' };
        return this.ring({ call, role, target, callerId, phones, timeoutMs: TRANSFER_RING_MS, near: leg.session, giveUp: leg.ended, ...(caller === undefined ? {} : { caller }) });
      },
      gone: (party) => new Promise((resolve) => this.options.onDialogEnd(party.dialog, (cause, by) => resolve({ cause, by }))),
      onParty: (connection, party) => this.options.onConnection(connection, party),
      moveNear: (party, session) => moveNear(this.options.engine, party, session),
      recall: (target, withinMs) => this.recall({ call, leg, target, callerId, reach, withinMs }),
      ...(transferred === undefined ? {} : { transferred }),
    });
    await connection.run();
  }

  /**
   * Waits (checking every quarter second) until `target` has a browser registered (over
   * WebSocket: the page that went away, back; a desk phone of the same extension is not asked),
   * then rings it asking it to answer by itself (RFC 5373 §4: `Answer-Mode: Auto`); all within
   * `withinMs`.
   */
  private async recall(recall: { call: Call; leg: Leg; target: string; callerId: string; reach: (target: string) => Promise<DialTarget[]>; withinMs: number }): Promise<Answered | NotAnswered> {
    const deadline = Date.now() + recall.withinMs;
    while (!recall.leg.hungUp) {
      const phones = (await recall.reach(recall.target)).filter((phone) => isBrowser(phone.source));
      if (phones.length > 0) {
        const autoAnswer = phones.map((phone): DialTarget => ({ ...phone, headers: [...(phone.headers ?? []), ['Answer-Mode', 'Auto']] }));
        const timeoutMs = Math.max(deadline - Date.now(), RECALL_RING_MS);
        return this.ring({ call: recall.call, role: 'callee', target: recall.target, callerId: recall.callerId, phones: autoAnswer, timeoutMs, near: recall.leg.session, giveUp: recall.leg.ended });
      }
      if (Date.now() >= deadline) return { cause: 'no_user_response' };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { cause: 'normal_clearing' };
  }
}

/** A phone registered over WebSocket: a browser page (RFC 7118). */
function isBrowser(source: string): boolean {
  const transport = parsePeer(source)?.transport;
  return transport === 'WS' || transport === 'WSS';
}

/** Busy beats unanswered beats the rest: what a caller would be told. */
function mostTelling(causes: HangupCause[]): HangupCause {
  for (const cause of ['user_busy', 'no_answer', 'no_user_response', 'call_rejected'] as const) if (causes.includes(cause)) return cause;
  return causes[0] ?? 'no_route_destination';
}

/**
 * What the caller hears while phones ring: ringback, until one sends early media, which is
 * bridged to the caller instead; when that phone fails, ringback again.
 */
class EarlyMedia {
  /** The phone whose early media the caller hears now. */
  #hearing: Attempt | undefined;

  constructor(
    private readonly caller: Leg | undefined,
    private readonly engine: MediaEngine,
  ) {}

  async ringback(): Promise<void> {
    await this.caller?.startTone('ringback').catch(() => undefined);
  }

  async hear(attempt: Attempt): Promise<void> {
    if (this.caller === undefined || this.caller.hungUp || this.#hearing !== undefined) return;
    this.#hearing = attempt;
    await this.caller.stopTone();
    await this.engine.bridge(this.caller.session, attempt.session);
  }

  async failed(attempt: Attempt): Promise<void> {
    if (this.caller === undefined || this.#hearing !== attempt) return;
    this.#hearing = undefined;
    await this.caller.unbridge();
    await this.ringback();
  }

  async done(): Promise<void> {
    if (this.caller === undefined) return;
    if (this.#hearing !== undefined) await this.caller.unbridge();
    this.#hearing = undefined;
    await this.caller.stopTone();
  }
}
