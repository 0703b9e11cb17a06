/**
 * The dialogs of a SIP server, both sides (RFC 3261 §12–15): the UAS's 2xx retransmitted until
 * its ACK (§13.3.1.4), the UAC's ACK for each 2xx (§13.2.2.4), requests inside a dialog in CSeq
 * order (§12.2.2), target refresh by re-INVITE (§14) and UPDATE (RFC 3311) with glare rules,
 * session timers (RFC 4028), REFER with its implicit subscription (RFC 3515), NOTIFY, INFO
 * (RFC 6086) and BYE (§15). Offers and answers are the layer above's: it gets them through the
 * DialogHandler and hands back what to send.
 */
import { newTag, type ResponseOptions } from '../message/response-builder.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { newBranch, type ClientTransactionLayer } from '../transaction/client-transaction-layer.js';
import type { ServerTransaction } from '../transaction/server-transaction-layer.js';
import type { InviteServerTransaction } from '../transaction/server-transactions.js';
import { TimerSet, type TimerClock, type TimerValues } from '../transaction/timers.js';
import { describePeer, type Peer } from '../transport/peer.js';
import { Dialog, dialogKey, type DialogRequests } from './dialog.js';
import type { OutgoingRequestOptions, ReferOptions, ReinviteOptions } from './dialog-requests.js';
import type { DialogEndReason, DialogEntry, DialogHandler, Respond } from './dialog-handler.js';
import { InDialogServer } from './in-dialog-server.js';
import { withCredentials } from '../auth/digest-client.js';
import { referToValue } from './refer.js';
import {
  negotiateAsUas,
  negotiatedByResponse,
  SessionTimer,
  uacHeaders,
  type SessionTimerSettings,
  type UasDecision,
} from './session-timer.js';

export interface DialogLayerContext {
  values: TimerValues;
  clock: TimerClock;
  transactions: ClientTransactionLayer;
  /** Sends outside any transaction: 2xx retransmissions and ACKs of 2xx. */
  send(message: SipRequest | SipResponse, peer: Peer): void;
  sentBy(peer: Peer): string;
  /** Answers through a server transaction, with our Server header. */
  answer(transaction: ServerTransaction, status: number, options?: ResponseOptions): SipResponse;
  contact(peer: Peer): string;
  handler: DialogHandler;
  sessionTimer: SessionTimerSettings;
  /** A number in [0, 1) for the §14.1 and §14.2 back-off. */
  random(): number;
  warn(fields: object, message: string): void;
}

const allowsUpdate = (message: SipRequest | SipResponse): boolean => message.headers.list('allow').some((m) => m.toUpperCase() === 'UPDATE');

export class DialogLayer implements DialogRequests {
  readonly #dialogs = new Map<string, DialogEntry>();
  readonly #server: InDialogServer;

  constructor(private readonly context: DialogLayerContext) {
    this.#server = new InDialogServer(this, context);
  }

  /** The connection to `source` (as `describePeer` writes it) closed: the handler hears of each dialog with that peer. */
  flowLost(source: string): void {
    for (const entry of [...this.#dialogs.values()]) if (describePeer(entry.dialog.peer) === source) this.context.handler.onFlowLost?.(entry.dialog);
  }

  find(callId: string, localTag: string, remoteTag: string): DialogEntry | undefined {
    return this.#dialogs.get(dialogKey(callId, localTag, remoteTag));
  }

  /** Takes a confirmed dialog: it can send, its timers run, the handler hears of it. */
  adopt(dialog: Dialog, allowsUpdateFrom: SipRequest | SipResponse): DialogEntry {
    const timers = new TimerSet(this.context.clock);
    const entry: DialogEntry = {
      dialog,
      timers,
      unacked: undefined,
      serverOffer: false,
      clientOffer: false,
      lastAck: undefined,
      session: new SessionTimer(
        timers,
        () => this.refreshSession(entry),
        () => this.terminate(entry, 'session-expired'),
      ),
      localBody: undefined,
      peerAllowsUpdate: allowsUpdate(allowsUpdateFrom),
      abandoned: undefined,
    };
    dialog.attach(this);
    this.#dialogs.set(dialog.key, entry);
    return entry;
  }

  /**
   * A new INVITE outside any dialog: 100 at once (§17.2.1), 422 when its session interval is too
   * short (RFC 4028 §8.1), else the handler answers through `respond`; a 2xx makes the dialog.
   */
  incomingInvite(request: SipRequest, invite: InviteServerTransaction, peer: Peer, onInvite: (respond: Respond) => void): void {
    this.context.answer(invite, 100);
    const session = negotiateAsUas(request, this.context.sessionTimer);
    if (session.kind === 'too-small') {
      this.context.answer(invite, 422, { headers: [['Min-SE', String(session.minSe)]] });
      return;
    }
    // §12.1.1: every response that could make a dialog carries the same To tag, and a Contact.
    const tag = newTag();
    const contact = this.context.contact(peer);
    onInvite((status, options = {}) => {
      // After a final response (the handler's, or 487 to a CANCEL) there is nothing left to answer.
      if (invite.state !== 'proceeding') return;
      const headers = [...(options.headers ?? [])];
      if (status > 100 && status < 300 && !headers.some(([name]) => name.toLowerCase() === 'contact')) headers.push(['Contact', contact]);
      if (status >= 200 && status < 300) {
        const dialog = Dialog.asUas(request, tag, peer, contact);
        if (dialog === undefined) {
          // §8.1.1.8: an INVITE must carry a Contact, or no dialog can be made.
          this.context.answer(invite, 400, { warning: { agent: 'kefu', text: 'an INVITE needs a Contact' } });
          return;
        }
        if (session.kind === 'run') headers.push(...session.headers);
        const response = this.context.answer(invite, status, { ...options, toTag: tag, headers });
        dialog.state = 'confirmed';
        const entry = this.adopt(dialog, request);
        if (options.body !== undefined) entry.localBody = bodyOf(response);
        this.startSession(entry, session, 'uas');
        this.retransmit2xx(entry, invite, response);
        return;
      }
      this.context.answer(invite, status, { ...options, toTag: tag, headers });
    });
  }

  /** RFC 4028 §9: a UAS starts the timer it agreed to; it refreshes when the refresher is `uas`. */
  startSession(entry: DialogEntry, decision: UasDecision, we: 'uac' | 'uas'): void {
    if (decision.kind === 'run') entry.session.start(decision.interval, decision.refresher === we);
    else this.stopSession(entry);
  }

  stopSession(entry: DialogEntry): void {
    entry.timers.stop('session-refresh');
    entry.timers.stop('session-expiry');
    entry.session.interval = 0;
  }

  /**
   * RFC 3261 §13.3.1.4: the UAS core retransmits its 2xx, T1 doubling up to T2, until the ACK
   * comes; without one in 64·T1 the session ends with a BYE.
   */
  retransmit2xx(entry: DialogEntry, invite: InviteServerTransaction, response: SipResponse): void {
    const { t1, t2 } = this.context.values;
    entry.unacked = invite.request.cseq?.seq;
    const again = (interval: number) =>
      entry.timers.start('2xx', interval, () => {
        this.context.send(response, invite.destination);
        again(Math.min(2 * interval, t2));
      });
    again(t1);
    entry.timers.start('ack', 64 * t1, () => {
      this.context.warn({ callId: entry.dialog.callId }, 'no ACK for the 2xx: the dialog ends');
      this.terminate(entry, 'no-ack');
    });
  }

  /** An ACK no server transaction took: the ACK of a 2xx (§13.2.2.4, §13.3.1.4). */
  ack(ack: SipRequest): void {
    const entry = this.find(ack.callId ?? '', ack.toTag ?? '', ack.fromTag ?? '');
    // §13.2.2.4: the ACK of a 2xx carries the INVITE's CSeq number.
    if (entry === undefined || entry.unacked === undefined || ack.cseq?.seq !== entry.unacked) return;
    entry.unacked = undefined;
    entry.timers.stop('2xx');
    entry.timers.stop('ack');
    this.context.handler.onAck?.(entry.dialog, ack);
  }

  /** §12.2.2: a request inside a dialog (its To has a tag). */
  receive(request: SipRequest, transaction: ServerTransaction): void {
    const entry = this.find(request.callId ?? '', request.toTag ?? '', request.fromTag ?? '');
    if (entry === undefined) {
      this.context.answer(transaction, 481);
      return;
    }
    this.#server.receive(entry, request, transaction);
  }

  /** RFC 6026 §7.2: a 2xx after its transaction ended (Timer M) still gets its ACK again. */
  strayResponse(response: SipResponse): void {
    if (response.status < 200 || response.status >= 300 || response.cseq?.method !== 'INVITE') return;
    const entry = this.find(response.callId ?? '', response.fromTag ?? '', response.toTag ?? '');
    const ack = entry?.lastAck;
    if (entry !== undefined && ack !== undefined && ack.cseq?.seq === response.cseq.seq) this.context.send(ack, entry.dialog.peer);
  }

  /** Ends a dialog: every timer cleared, forgotten, the handler told. */
  end(entry: DialogEntry, reason: DialogEndReason, bye?: SipRequest): void {
    if (this.#dialogs.get(entry.dialog.key) !== entry) return;
    entry.timers.stopAll();
    entry.abandoned?.();
    entry.abandoned = undefined;
    this.#dialogs.delete(entry.dialog.key);
    entry.dialog.state = 'terminated';
    this.context.handler.onEnd?.(entry.dialog, reason, bye);
  }

  /** Sends a BYE (§15.1.1) and ends the dialog at once. */
  private terminate(entry: DialogEntry, reason: DialogEndReason, options: OutgoingRequestOptions = {}): Promise<SipResponse> {
    const bye = entry.dialog.createRequest('BYE', options);
    this.end(entry, reason);
    return this.transact(entry.dialog, bye);
  }

  close(): void {
    for (const entry of this.#dialogs.values()) entry.timers.stopAll();
    this.#dialogs.clear();
  }

  private entry(dialog: Dialog): DialogEntry {
    const entry = this.#dialogs.get(dialog.key);
    if (entry === undefined || entry.dialog !== dialog) throw new Error(`dialog ${dialog.callId} is not active`);
    return entry;
  }

  /**
   * Sends a request in its own client transaction; resolves on the final response (never
   * rejects). A 401/407 is answered once with the dialog's credentials (RFC 3261 §22.2): the
   * request goes again with the next CSeq of the dialog (§12.2.1.1).
   */
  transact(dialog: Dialog, request: SipRequest, onResponse?: (response: SipResponse, request: SipRequest) => void): Promise<SipResponse> {
    return new Promise((resolve) => {
      const send = (sent: SipRequest, challenged: boolean) =>
        this.context.transactions.send(sent, dialog.peer, (response) => {
          const retry = challenged ? undefined : this.authenticated(dialog, sent, response);
          if (retry !== undefined) return send(retry, true);
          onResponse?.(response, sent);
          if (response.status >= 200) resolve(response);
        });
      send(request, false);
    });
  }

  /** RFC 3261 §22.2, §22.3: `request` again with credentials for the challenge of `response`, if it is one Kefu can answer. */
  private authenticated(dialog: Dialog, request: SipRequest, response: SipResponse): SipRequest | undefined {
    if ((response.status !== 401 && response.status !== 407) || dialog.credentials === undefined) return undefined;
    return withCredentials(request, response, dialog.credentials, ++dialog.localSeq);
  }

  /** §12.2.1.2: what any final response to a request inside the dialog changes. */
  private settled(entry: DialogEntry, request: SipRequest, response: SipResponse): void {
    if (response.status === 481 || response.status === 408) {
      this.end(entry, 'gone');
      return;
    }
    if (response.status >= 300 || (request.method !== 'INVITE' && request.method !== 'UPDATE')) return;
    entry.dialog.refreshTarget(response);
    // RFC 4028 §7.2: the 2xx settles the interval; `uac` is us, who sent the refresh.
    const settled = negotiatedByResponse(response, this.context.sessionTimer.minSe);
    if (settled === undefined) this.stopSession(entry);
    else entry.session.start(settled.interval, settled.refresher === 'uac');
  }

  /** RFC 4028 §7.1: a refreshing request carries our Session-Expires while a timer runs. */
  private withSession(entry: DialogEntry, options: OutgoingRequestOptions): OutgoingRequestOptions {
    const interval = entry.session.interval;
    if (interval === 0 || options.headers?.some(([name]) => name.toLowerCase() === 'session-expires')) return options;
    return { ...options, headers: [...(options.headers ?? []), ...uacHeaders(interval, this.context.sessionTimer.minSe)] };
  }

  request(dialog: Dialog, method: string, options: OutgoingRequestOptions = {}): Promise<SipResponse> {
    const entry = this.entry(dialog);
    if (method === 'INVITE') return this.reinvite(dialog, options);
    if (method === 'BYE') return this.bye(dialog, options);
    const offer = method === 'UPDATE' && (options.body?.length ?? 0) > 0;
    // RFC 3311 §5.1: no UPDATE offer while another offer is outstanding.
    if (offer && (entry.clientOffer || entry.serverOffer)) return Promise.reject(new Error('an offer is already pending in this dialog'));
    const request = dialog.createRequest(method, method === 'UPDATE' ? this.withSession(entry, options) : options);
    if (offer) {
      entry.clientOffer = true;
      entry.localBody = options;
    }
    return this.transact(dialog, request, (response, sent) => {
      if (response.status < 200) return;
      if (offer) entry.clientOffer = false;
      this.settled(entry, sent, response);
    });
  }

  /**
   * §14.1: a re-INVITE. Not while another INVITE is in progress either way; a 491 is retried
   * once after a random wait: 2.1–4 s by the Call-ID's owner (the dialog's UAC), else 0–2 s.
   */
  reinvite(dialog: Dialog, options: ReinviteOptions = {}): Promise<SipResponse> {
    const entry = this.entry(dialog);
    if (entry.clientOffer || entry.serverOffer) return Promise.reject(new Error('an INVITE is already in progress in this dialog'));
    entry.clientOffer = true;
    if ((options.body?.length ?? 0) > 0) entry.localBody = options;
    return new Promise((resolve) => {
      const attempt = (retries: number) => {
        let ack: SipRequest | undefined;
        void this.transact(dialog, dialog.createRequest('INVITE', this.withSession(entry, options)), (response, invite) => {
          if (response.status < 200) return;
          if (response.status < 300) {
            // §13.2.2.4: each 2xx (retransmissions too) gets the same ACK, end to end.
            const first = ack === undefined;
            ack ??= this.buildAck(entry, invite, this.answerInAck(entry, invite, response, options));
            this.context.send(ack, dialog.peer);
            if (!first) return;
          } else if (response.status === 491 && retries > 0 && dialog.state !== 'terminated') {
            const wait = dialog.role === 'uac' ? 2100 + this.context.random() * 1900 : this.context.random() * 2000;
            entry.timers.start('glare', wait, () => {
              entry.abandoned = undefined;
              attempt(retries - 1);
            });
            // If the dialog ends during the wait, the re-INVITE settles with its 491.
            entry.abandoned = () => resolve(response);
            return;
          }
          entry.clientOffer = false;
          this.settled(entry, invite, response);
          resolve(response);
        });
      };
      attempt(1);
    });
  }

  /** §13.2.2.4: the ACK of a 2xx, built by the dialog, with a Via and branch of its own. */
  buildAck(entry: DialogEntry, invite: SipRequest, body?: { contentType: string; body: Buffer }): SipRequest {
    const ack = entry.dialog.createAck(invite, body);
    const peer = entry.dialog.peer;
    ack.headers.prepend('Via', `SIP/2.0/${peer.transport} ${this.context.sentBy(peer)};branch=${newBranch()};rport`);
    entry.lastAck = ack;
    return ack;
  }

  /** RFC 3264 §5: an INVITE without an offer gets one in the 2xx, and the ACK carries the answer. */
  private answerInAck(entry: DialogEntry, invite: SipRequest, response: SipResponse, options: ReinviteOptions): { contentType: string; body: Buffer } | undefined {
    if (invite.body.length > 0 || response.body.length === 0 || options.answer === undefined) return undefined;
    const answer = options.answer(response);
    entry.localBody = { headers: [['Content-Type', answer.contentType]], body: answer.body };
    return answer;
  }

  refer(dialog: Dialog, target: string, options: ReferOptions = {}): Promise<SipResponse> {
    return this.request(dialog, 'REFER', { headers: [['Refer-To', referToValue(target, options.replaces)], ...(options.headers ?? [])] });
  }

  /** A BYE; `options.headers` may carry a Reason (RFC 3326) saying why the call ended. */
  bye(dialog: Dialog, options: OutgoingRequestOptions = {}): Promise<SipResponse> {
    return this.terminate(this.entry(dialog), 'local-bye', options);
  }

  /** RFC 4028 §10: the refresher's refresh, by UPDATE when the peer allows it, else by re-INVITE. */
  private refreshSession(entry: DialogEntry): void {
    const { dialog } = entry;
    const sent = entry.peerAllowsUpdate ? this.request(dialog, 'UPDATE') : this.reinvite(dialog, entry.localBody ?? {});
    // An offer in progress is itself a refresh once it succeeds; the expiry timer still guards.
    sent.catch((error: unknown) => this.context.warn({ err: error, callId: dialog.callId }, 'session refresh not sent'));
  }
}

/** The body of a message we sent, as options to send it again. */
function bodyOf(message: SipRequest | SipResponse): OutgoingRequestOptions | undefined {
  if (message.body.length === 0) return undefined;
  return { headers: [['Content-Type', message.headers.get('content-type') ?? 'application/sdp']], body: message.body };
}
