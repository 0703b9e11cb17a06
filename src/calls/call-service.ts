/**
 * The call layer's side of the SIP server: each new INVITE is routed by the applications
 * (CallRouter), refused with their status or answered with a media session and served as a Leg.
 * Re-INVITEs and UPDATEs (hold, resume, a moved peer) are answered from the same session; INFO
 * digits and the peer's BYE reach the leg; a session without RTP for too long is hung up.
 */
import { randomInt } from 'node:crypto';
import type { MediaEngine } from '../media/index.js';
import { answerOffer, type LocalMedia } from '../sdp/index.js';
import { isSipUri, type Dialog, type DialogEndReason, type InviteHandler, type InviteOptions, type OutgoingInvite, type Respond, type SipLog, type SipRequest } from '../sip/index.js';
import { calledParty, type CalledParty } from './called-party.js';
import { Dialler } from './dialler.js';
import type { AnsweredLeg, CallRouter, DialTarget, LiveCall } from './inbound.js';
import { Leg } from './leg.js';
import { remoteOf } from './remote-endpoint.js';

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
  session: string;
  local: LocalMedia;
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
}

const SDP = 'application/sdp';

export class CallService implements InviteHandler {
  /** By Call-ID and the caller's tag: the dialog is known only once the 2xx is sent. */
  readonly #calls = new Map<string, Pending>();
  readonly #bySession = new Map<string, Pending>();
  readonly #cancelled = new Set<string>();
  /** Calls Kefu placed, by dialog key: told when the far end hangs up. */
  readonly #outbound = new Map<string, () => void>();
  readonly #dialler: Dialler;

  constructor(private readonly options: CallServiceOptions) {
    this.#dialler = new Dialler({
      engine: options.engine,
      mediaAddress: options.mediaAddress,
      invite: (invite) => options.invite(invite),
      onDialogEnd: (dialog, listener) => this.#outbound.set(dialog.key, listener),
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
        void call.leg.hangup();
      }
    });
  }

  /** Calls in progress (answered, not yet ended). */
  get active(): number {
    return this.#calls.size;
  }

  onInvite(request: SipRequest, _transaction: unknown, respond: Respond): void {
    this.invite(request, respond).catch((error: unknown) => {
      this.options.log.warn({ callId: request.callId, err: String(error) }, 'INVITE failed');
      respond(500);
    });
  }

  private async invite(request: SipRequest, respond: Respond): Promise<void> {
    const key = callKey(request.callId, request.fromTag);
    const now = this.options.now ?? (() => new Date());
    const decision = await this.options.router.route({
      sipCallId: request.callId ?? '',
      party: calledParty(request),
      domain: isSipUri(request.uri) ? request.uri.host : undefined,
      callerName: request.from?.displayName,
      receivedAt: now(),
    });
    if (this.#cancelled.delete(key)) return;
    if (decision.action === 'reject') {
      respond(decision.status, decision.reason === undefined ? {} : { reason: decision.reason });
      return;
    }
    // RFC 3264 §5: an INVITE without a body asks us to offer; Kefu's callers always offer.
    if (request.body.length === 0 || !/^application\/sdp/i.test(request.headers.get('content-type') ?? '')) {
      respond(488, { warning: { agent: 'kefu', text: 'an SDP offer is needed in the INVITE' } });
      return;
    }
    const session = await this.options.engine.createSession({ group: request.callId ?? key });
    const local: LocalMedia = {
      address: this.options.mediaAddress,
      port: session.port,
      codecs: ['PCMU', 'PCMA'],
      telephoneEvent: true,
      sessionId: randomInt(1, 2 ** 31),
      sessionVersion: 1,
    };
    const answer = answerOffer(request.body.toString('utf8'), local);
    if (!answer.ok || this.#cancelled.delete(key)) {
      await this.options.engine.destroy(session.id).catch(() => null);
      if (!answer.ok) respond(answer.status, { warning: { agent: 'kefu', text: answer.reason } });
      return;
    }
    await this.options.engine.setRemote(session.id, remoteOf(answer.audio));
    const pending: Pending = {
      session: session.id,
      local,
      serve: decision.serve,
      reach: decision.reach,
      party: calledParty(request),
      owner: decision.owner,
      direction: 'inbound',
      startedAt: now(),
    };
    this.#calls.set(key, pending);
    this.#bySession.set(session.id, pending);
    respond(200, { headers: [['Content-Type', SDP]], body: Buffer.from(answer.sdp) });
  }

  /** The calls of `owner` in progress. */
  liveCalls(owner: string): LiveCall[] {
    return [...this.#calls.values()]
      .filter((call) => call.owner === owner)
      .map((call) => ({
        sipCallId: call.leg?.sipCallId ?? '',
        direction: call.direction,
        caller: call.party.caller,
        called: call.party.dialled,
        startedAt: call.startedAt,
        answered: call.leg !== undefined,
      }))
      .filter((call) => call.answered);
  }

  /** Hangs up a call of `owner`; false when it has no such call. */
  async hangup(owner: string, sipCallId: string): Promise<boolean> {
    const call = [...this.#calls.values()].find((c) => c.owner === owner && c.leg?.sipCallId === sipCallId);
    if (call?.leg === undefined) return false;
    await call.leg.hangup();
    return true;
  }

  /**
   * Places a call to `phones` (RFC 3261 §13.2, all rung at once) and serves it once answered;
   * resolves with its Call-ID, or undefined when nobody answered within `timeoutMs`.
   */
  async originate(call: Originate): Promise<string | undefined> {
    const answered = await this.#dialler.ring(undefined, new Promise(() => undefined), call.from, call.phones, call.timeoutMs);
    if (answered === undefined) return undefined;
    const { dialog, attempt } = answered;
    const pending: Pending = {
      session: attempt.session,
      local: attempt.local,
      serve: call.serve,
      reach: undefined,
      party: { dialled: call.to, original: undefined, source: undefined, caller: call.from },
      owner: call.owner,
      direction: 'outbound',
      startedAt: (this.options.now ?? (() => new Date()))(),
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
    if (pending === undefined) this.#cancelled.add(key);
    else void this.forget(key, pending, 'caller-hung-up');
  }

  /** RFC 3261 §13.3.1.4: the ACK of our 2xx; now the caller hears what the application plays. */
  onAck(dialog: Dialog): void {
    const pending = this.#calls.get(callKey(dialog.callId, dialog.remoteTag));
    if (pending === undefined || pending.leg !== undefined) return;
    this.start(pending, dialog);
  }

  /** The call is up: its Leg is made and the application serves it. */
  private start(pending: Pending, dialog: Dialog): void {
    const reach = pending.reach;
    const leg = new Leg(dialog.callId, pending.session, this.options.engine, {
      bye: async () => {
        await dialog.bye();
      },
      ...(reach === undefined
        ? {}
        : {
            dial: (from, options) => {
              const callerId = (options.callerId === 'caller' ? pending.party.caller : pending.party.dialled) ?? 'kefu';
              return this.#dialler.dial(from, callerId, reach, options);
            },
          }),
    });
    pending.leg = leg;
    pending
      .serve(leg)
      .catch((error: unknown) => this.options.log.warn({ callId: dialog.callId, err: String(error) }, 'serving the call failed'))
      .finally(() => void leg.hangup());
  }

  onEnd(dialog: Dialog, reason: DialogEndReason): void {
    const outbound = this.#outbound.get(dialog.key);
    if (outbound !== undefined) {
      this.#outbound.delete(dialog.key);
      outbound();
      return;
    }
    const key = callKey(dialog.callId, dialog.remoteTag);
    const pending = this.#calls.get(key);
    if (pending !== undefined) void this.forget(key, pending, reason === 'local-bye' ? 'kefu-hung-up' : reason === 'bye' ? 'caller-hung-up' : 'failed');
  }

  /**
   * A re-INVITE or UPDATE with an offer (RFC 3264 §8): hold (sendonly/inactive), resume, a new
   * address. Answered from the same session and port; the new remote takes effect at once.
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

  private async forget(key: string, pending: Pending, cause: 'caller-hung-up' | 'kefu-hung-up' | 'failed'): Promise<void> {
    this.#calls.delete(key);
    this.#bySession.delete(pending.session);
    if (pending.leg !== undefined) await pending.leg.finish(cause);
    else await this.options.engine.destroy(pending.session).catch(() => null);
  }
}

function callKey(callId: string | undefined, remoteTag: string | undefined): string {
  return `${callId ?? ''}\n${remoteTag ?? ''}`;
}
