/**
 * The call layer's side of the SIP server: each new INVITE is routed by the applications
 * (CallRouter), refused with their status or answered with a media session and served as a Leg.
 * Re-INVITEs and UPDATEs (hold, resume, a moved peer) are answered from the same session; INFO
 * digits and the peer's BYE reach the leg; a session without RTP for too long is hung up.
 */
import type { MediaEngine } from '../media/index.js';
import { answerOffer, readAnswer, type LocalMedia } from '../sdp/index.js';
import { answerMedia, EarlyAnnouncements } from './answering.js';
import { isSipUri, type Dialog, type DialogEndReason, type ReferRequest, type InviteCaller, type InviteHandler, type InviteOptions, type OutgoingInvite, type Respond, type SipLog, type SipRequest } from '../sip/index.js';
import { Call, type CallLeg, type LegRecord } from './call.js';
import { calledParty, type CalledParty } from './called-party.js';
import { Dialler } from './dialler.js';
import { reasonHeader, type HangupCause, type HangupSide } from './hangup-cause.js';
import { callKey, endOf } from './dialog-end.js';
import type { AnsweredLeg, CallDecision, CallRouter, DialTarget } from './inbound.js';
import { Leg, playItem } from './leg.js';
import { remoteOf } from './remote-endpoint.js';
import { reoffer } from './reoffer.js';
import { CallControl } from './call-control.js';
import { Transfers } from './transfers.js';
import { LiveCalls } from './live-calls.js';
import { Supervision } from './supervision.js';

export interface CallServiceOptions {
  engine: MediaEngine;
  router: CallRouter;
  /** The address put in SDP for peers to send RTP to. */
  mediaAddress: string;
  log: SipLog;
  /** Sends an INVITE (the SIP server's `invite`), for calls Kefu places. */
  invite(options: InviteOptions): OutgoingInvite;
  now?: () => Date;
}

/** An answered INVITE waiting for its ACK, then the leg it became. */
interface Pending {
  call: Call;
  /** The caller's leg of the call, with its state machine. */
  callLeg: CallLeg;
  session: string;
  local: LocalMedia;
  /** RFC 3264 §5: the INVITE had no offer, so our 2xx made one and the ACK brings the answer. */
  offeredIn2xx: boolean;
  serve: (leg: Leg) => Promise<void>;
  reach: ((target: string) => Promise<DialTarget[]>) | undefined;
  party: CalledParty;
  owner: string | undefined;
  direction: 'inbound' | 'outbound';
  startedAt: Date;
  leg?: Leg;
}

/** A call Kefu places (a callback, a test): to the phones of one target, then served like any. */
export interface Originate {
  owner: string;
  /** The caller ID shown to the phone. */
  from: string;
  to: string;
  phones: DialTarget[];
  timeoutMs: number;
  serve(leg: AnsweredLeg): Promise<void>;
  /** Where the answered leg's `dial` finds a target (a callback dials the customer); without it the leg cannot dial. */
  reach?(target: string): Promise<DialTarget[]>;
  /** Settles when ringing must stop (the offer was withdrawn). */
  cancel?: Promise<unknown>;
  /** Told of each other leg (the number dialled) when it ends, for its CDR row. */
  onLeg?(record: LegRecord): void;
}

const SDP = 'application/sdp';
/** How long a caller waits on hold for the agent's reloaded page before the call ends. */
const REATTACH_MS = 30_000;

export class CallService implements InviteHandler {
  /** By Call-ID and the caller's tag: the dialog is known only once the 2xx is sent. */
  readonly #calls = new Map<string, Pending>();
  readonly #bySession = new Map<string, Pending>();
  readonly #cancelled = new Set<string>();
  /** Calls Kefu placed, by dialog key: told when the far end hangs up, and why. */
  readonly #outbound = new Map<string, (cause: HangupCause, by: HangupSide) => void>();
  readonly #dialler: Dialler;
  readonly #transfers: Transfers;
  readonly #control: CallControl;
  /** Announcements playing as early media, stopped by a CANCEL. */
  readonly #early: EarlyAnnouncements;
  /** Supervisors' monitoring and force release, and agents' conferences, of connected calls. */
  readonly supervision: Supervision;
  /** An owner's calls in progress: listed, held, muted, hung up, transferred. */
  readonly live: LiveCalls;

  constructor(private readonly options: CallServiceOptions) {
    this.#early = new EarlyAnnouncements(options.engine);
    this.#transfers = new Transfers(options.log);
    this.#control = new CallControl(options.engine);
    this.live = new LiveCalls(() => this.#calls.values(), this.#transfers, this.#control);
    this.supervision = new Supervision({
      engine: options.engine,
      connectionOf: (owner, sipCallId) => (this.live.owns(owner, sipCallId) ? (this.#transfers.of(sipCallId) ?? 'not-connected') : undefined),
      blocked: (connection) => {
        const { held, muted } = this.#control.state(connection);
        return held ? 'the call is on hold: resume it first' : muted ? 'the call is muted: unmute it first' : undefined;
      },
    });
    this.#dialler = new Dialler({
      engine: options.engine,
      mediaAddress: options.mediaAddress,
      invite: (invite) => options.invite(invite),
      onDialogEnd: (dialog, listener) => this.#outbound.set(dialog.key, listener),
      onConnection: (connection, party) => {
        this.#transfers.connected(connection, party);
        if (party === undefined) void this.#control.release(connection);
      },
    });
    // One listener per event kind for all calls, routed by session: a listener per leg would
    // make every media event visit every call.
    options.engine.on('dtmf', (event) => this.#bySession.get(event.session)?.leg?.pressed(event.digit));
    options.engine.on('played', (event) => this.#bySession.get(event.session)?.leg?.played(event.end));
    options.engine.on('recorded', (event) => this.#bySession.get(event.session)?.leg?.recorded(event.recording));
    options.engine.on('timeout', (event) => {
      const call = this.#bySession.get(event.session);
      if (call?.leg !== undefined) {
        options.log.warn({ session: event.session, silentMs: event.silentMs }, 'no RTP from the caller: hanging up');
        void call.leg.hangup('recovery_on_timer_expire', 'network');
      }
    });
    // The media worker holding the call's audio died: the call cannot go on, so it ends (Q.850
    // 41, temporary failure, in its CDR) instead of staying up in silence until the no-RTP timer.
    options.engine.on('worker-failed', (event) => {
      const call = this.#bySession.get(event.session);
      if (call?.leg !== undefined) {
        options.log.warn({ session: event.session, worker: event.worker, reason: event.reason }, 'the media worker of a call failed: hanging up');
        void call.leg.hangup('temporary_failure', 'kefu');
      }
    });
    // A browser's leg whose DTLS failed has no audio; the no-RTP time-out then ends it.
    options.engine.on('webrtc-failed', (event) => options.log.warn({ session: event.session, reason: event.reason }, 'DTLS-SRTP with the browser failed'));
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /** Calls in progress (answered, not yet ended). */
  get active(): number {
    return this.#calls.size;
  }

  onInvite(request: SipRequest, _transaction: unknown, respond: Respond, caller: InviteCaller): void {
    this.invite(request, respond, caller).catch((error: unknown) => {
      this.options.log.warn({ callId: request.callId, err: String(error) }, 'INVITE failed');
      respond(500);
    });
  }

  private async invite(request: SipRequest, respond: Respond, caller: InviteCaller): Promise<void> {
    const key = callKey(request.callId, request.fromTag);
    const party = calledParty(request);
    const decision = await this.options.router.route({
      sipCallId: request.callId ?? '',
      party,
      domain: isSipUri(request.uri) ? request.uri.host : undefined,
      callerName: request.from?.displayName,
      receivedAt: this.now(),
      source: caller.source,
      ...(caller.authenticated === undefined ? {} : { authenticated: caller.authenticated }),
    });
    if (this.#cancelled.delete(key)) return;
    if (decision.action === 'challenge') {
      respond(407, { headers: await caller.challenge(decision.domain) });
      return;
    }
    if (decision.action === 'reject') {
      if (decision.announcement !== undefined && decision.announcement.length > 0) return this.announceAndReject(request, decision, respond);
      respond(decision.status, decision.reason === undefined ? {} : { reason: decision.reason });
      return;
    }
    const call = new Call(decision.owner, (record) => decision.onLeg?.(record), () => this.now());
    const callLeg = call.addLeg({ role: 'caller', sipCallId: request.callId ?? '', direction: 'inbound', from: party.caller, to: party.dialled });
    const media = await this.answerMedia(request, key);
    if (media === undefined) return respond(488, { warning: { agent: 'kefu', text: 'no acceptable audio in the offer' } });
    if ('status' in media) {
      if (media.status !== 0) respond(media.status, { warning: { agent: 'kefu', text: media.reason } });
      return;
    }
    const pending: Pending = {
      call,
      callLeg,
      session: media.session,
      local: media.local,
      offeredIn2xx: media.offeredIn2xx,
      serve: decision.serve,
      reach: decision.reach,
      party,
      owner: decision.owner,
      direction: 'inbound',
      startedAt: callLeg.startedAt,
    };
    this.#calls.set(key, pending);
    this.#bySession.set(media.session, pending);
    callLeg.to('answering');
    respond(200, { headers: [['Content-Type', SDP]], body: Buffer.from(media.sdp) });
  }

  /**
   * RFC 3261 §13.3.1.1 and RFC 3960: a 183 Session Progress with our SDP, the announcement as
   * early media, then the final refusal. The caller hears why and is never answered.
   */
  private async announceAndReject(request: SipRequest, decision: Extract<CallDecision, { action: 'reject' }>, respond: Respond): Promise<void> {
    const key = callKey(request.callId, request.fromTag);
    const media = await this.answerMedia(request, key);
    const refuse = () => respond(decision.status, decision.reason === undefined ? {} : { reason: decision.reason });
    if (media === undefined || 'status' in media || media.offeredIn2xx) {
      if (media !== undefined && !('status' in media)) await this.options.engine.destroy(media.session).catch(() => null);
      if (media === undefined || !('status' in media) || media.status !== 0) refuse();
      return;
    }
    respond(183, { headers: [['Content-Type', SDP]], body: Buffer.from(media.sdp) });
    await this.#early.play(key, media.session, (decision.announcement ?? []).map(playItem));
    if (!this.#cancelled.delete(key)) refuse();
  }

  private answerMedia(request: SipRequest, key: string): ReturnType<typeof answerMedia> {
    return answerMedia(this.options.engine, this.options.mediaAddress, request, request.callId ?? key, () => this.#cancelled.delete(key));
  }

  /** RFC 3515: a phone Kefu connected a caller to transfers that caller. */
  onRefer(dialog: Dialog, refer: ReferRequest): void {
    this.#transfers.onRefer(dialog, refer);
  }

  /**
   * Places a call to `phones` (RFC 3261 §13.2, all rung at once) and serves it once answered;
   * resolves with its Call-ID, or undefined when nobody answered within `timeoutMs`.
   */
  async originate(request: Originate): Promise<string | undefined> {
    const call = new Call(request.owner, (record) => request.onLeg?.(record), () => this.now());
    const answered = await this.#dialler.ring({
      call,
      role: 'caller',
      target: request.to,
      callerId: request.from,
      phones: request.phones,
      timeoutMs: request.timeoutMs,
      giveUp: request.cancel ?? new Promise(() => undefined),
    });
    if (!('dialog' in answered)) return undefined;
    const { dialog, attempt } = answered;
    const pending: Pending = {
      call,
      callLeg: attempt.leg,
      session: attempt.session,
      local: attempt.local,
      offeredIn2xx: false,
      serve: request.serve,
      reach: request.reach,
      party: { dialled: request.to, original: undefined, source: undefined, caller: request.from },
      owner: request.owner,
      direction: 'outbound',
      startedAt: attempt.leg.startedAt,
    };
    const key = callKey(dialog.callId, dialog.remoteTag);
    this.#calls.set(key, pending);
    this.#bySession.set(pending.session, pending);
    this.start(pending, dialog);
    return dialog.callId;
  }

  onCancel(request: SipRequest): void {
    const key = callKey(request.callId, request.fromTag);
    const pending = this.#calls.get(key);
    if (this.#early.stop(key)) this.#cancelled.add(key);
    else if (pending === undefined) this.#cancelled.add(key);
    else void this.forget(key, pending, 'normal_clearing', 'caller');
  }

  /**
   * RFC 3261 §13.3.1.4: the ACK of our 2xx; now the caller hears what the application plays.
   * RFC 3264 §5: when our 2xx carried the offer, the ACK carries the answer; without a usable
   * one there is no media to speak of, and the call ends (§13.3.1.4 leaves it to us to BYE).
   */
  onAck(dialog: Dialog, ack: SipRequest): void {
    const key = callKey(dialog.callId, dialog.remoteTag);
    const pending = this.#calls.get(key);
    if (pending === undefined || pending.leg !== undefined) return;
    if (!pending.offeredIn2xx) return this.start(pending, dialog);
    const answer = readAnswer(ack.body.toString('utf8'), pending.local);
    if (!answer.ok) {
      this.options.log.warn({ callId: dialog.callId, reason: answer.reason }, 'the ACK had no usable answer to our offer: ending the call');
      void this.forget(key, pending, 'incompatible_destination', 'kefu');
      void dialog.bye({ headers: [reasonHeader('incompatible_destination')] }).catch(() => undefined);
      return;
    }
    this.options.engine
      .setRemote(pending.session, remoteOf(answer.audio))
      .then(() => this.start(pending, dialog))
      .catch((error: unknown) => this.options.log.warn({ callId: dialog.callId, err: String(error) }, 'media for the call failed'));
  }

  /** The call is up: its Leg is made and the application serves it. */
  private start(pending: Pending, dialog: Dialog): void {
    const reach = pending.reach;
    pending.callLeg.to('up');
    const leg = new Leg(pending.call.id, dialog, pending.session, this.options.engine, {
      bye: async (cause) => {
        await dialog.bye({ headers: [reasonHeader(cause)] });
      },
      reoffer: (direction) => reoffer(this.options.engine, pending, dialog, direction),
      ...(reach === undefined
        ? {}
        : {
            dial: (from, options) => {
              const callerId = (options.callerId === 'caller' ? pending.party.caller : pending.party.dialled) ?? 'kefu';
              return this.#dialler.dial(pending.call, from, callerId, reach, options);
            },
          }),
    });
    pending.leg = leg;
    pending
      .serve(leg)
      .catch((error: unknown) => this.options.log.warn({ callId: dialog.callId, err: String(error) }, 'serving the call failed'))
      .finally(() => void leg.hangup());
  }

  /**
   * A party's browser lost its WebSocket (its page reloaded): the page is called back once it
   * registers again and put back where it was — with the caller, holding them, consulting, in a
   * conference (Connection.reattach) — for at most REATTACH_MS.
   */
  onFlowLost(dialog: Dialog): void {
    const connection = this.#transfers.ofParty(dialog);
    const party = connection?.party;
    if (connection === undefined || party === undefined) return;
    this.options.log.info({ callId: connection.leg.sipCallId, party: party.attempt.leg.start.target }, 'the party\'s page went away: holding the caller for its return');
    connection
      .reattach(party, REATTACH_MS, this.#control.state(connection).held)
      .then((back) => this.options.log.info({ callId: connection.leg.sipCallId, back }, back ? 'the party\'s page is back on the call' : 'the party\'s page did not come back'))
      .catch((error: unknown) => this.options.log.warn({ callId: connection.leg.sipCallId, err: String(error) }, 'reattaching the party failed'));
  }

  /** RFC 3326: the peer's BYE may say why in a Reason header; Kefu's own BYEs say it themselves. */
  onEnd(dialog: Dialog, reason: DialogEndReason, bye?: SipRequest): void {
    const { cause, by } = endOf(reason, bye);
    const outbound = this.#outbound.get(dialog.key);
    if (outbound !== undefined) {
      this.#outbound.delete(dialog.key);
      outbound(cause, by === 'caller' ? 'callee' : by);
      return;
    }
    const key = callKey(dialog.callId, dialog.remoteTag);
    const pending = this.#calls.get(key);
    if (pending !== undefined) void this.forget(key, pending, cause, by);
  }

  /**
   * A re-INVITE or UPDATE with an offer (RFC 3264 §8): hold (sendonly/inactive, §8.4), resume,
   * a new address. Answered from the same session and port; the new remote takes effect at once.
   */
  onOffer(dialog: Dialog, request: SipRequest, respond: Respond): void {
    const pending = this.#calls.get(callKey(dialog.callId, dialog.remoteTag));
    if (pending === undefined || request.body.length === 0) {
      respond(488);
      return;
    }
    pending.local = { ...pending.local, sessionVersion: pending.local.sessionVersion + 1 };
    const answer = answerOffer(request.body.toString('utf8'), pending.local);
    if (!answer.ok) {
      respond(answer.status);
      return;
    }
    // Our direction is the mirror of the offer's: recvonly or inactive means the peer holds us.
    pending.callLeg.state.tryTo(answer.audio.direction === 'recvonly' || answer.audio.direction === 'inactive' ? 'held' : 'up');
    this.options.engine
      .setRemote(pending.session, remoteOf(answer.audio))
      .then(() => respond(200, { headers: [['Content-Type', SDP]], body: Buffer.from(answer.sdp) }))
      .catch(() => respond(500));
  }

  /** RFC 6086 INFO with application/dtmf-relay (`Signal=5`), as some phones send keys. */
  onInfo(dialog: Dialog, request: SipRequest, respond: Respond): void {
    const leg = this.#calls.get(callKey(dialog.callId, dialog.remoteTag))?.leg;
    const signal = /^\s*signal\s*=\s*([0-9*#A-D])\s*$/im.exec(request.body.toString('utf8'))?.[1];
    if (leg !== undefined && signal !== undefined) leg.pressed(signal);
    respond(200);
  }

  private async forget(key: string, pending: Pending, cause: HangupCause, by: HangupSide): Promise<void> {
    this.#calls.delete(key);
    this.#bySession.delete(pending.session);
    pending.callLeg.end(cause, by);
    if (pending.leg !== undefined) await pending.leg.finish(cause, by);
    else await this.options.engine.destroy(pending.session).catch(() => null);
  }
}
