/**
 * Requests the peer sends inside a dialog (RFC 3261 §12.2.2), answered through their server
 * transactions: BYE (§15.1.2), re-INVITE (§14.2) and UPDATE (RFC 3311 §5.2) with the glare
 * rules, session-timer negotiation (RFC 4028), REFER (RFC 3515), NOTIFY and INFO (RFC 6086).
 */
import { Fault } from '../fault.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { ResponseOptions } from '../message/response-builder.js';
import { DEFAULT_REQUEST_POLICY } from '../message/validate.js';
import type { ServerTransaction } from '../transaction/server-transaction-layer.js';
import type { InviteServerTransaction } from '../transaction/server-transactions.js';
import type { DialogEndReason, DialogEntry, DialogHandler, Respond } from './dialog-handler.js';
import type { Dialog } from './dialog.js';
import type { OutgoingRequestOptions } from './dialog-requests.js';
import { parseReferTo, sipfrag, sipfragStatus } from './refer.js';
import { negotiateAsUas, type SessionTimerSettings, type UasDecision } from './session-timer.js';

/** What the in-dialog server needs of the dialog layer. */
export interface DialogCore {
  end(entry: DialogEntry, reason: DialogEndReason, bye?: SipRequest): void;
  retransmit2xx(entry: DialogEntry, invite: InviteServerTransaction, response: SipResponse): void;
  startSession(entry: DialogEntry, decision: UasDecision, we: 'uac' | 'uas'): void;
  request(dialog: Dialog, method: string, options: OutgoingRequestOptions): Promise<SipResponse>;
}

export interface InDialogContext {
  answer(transaction: ServerTransaction, status: number, options?: ResponseOptions): SipResponse;
  handler: DialogHandler;
  sessionTimer: SessionTimerSettings;
  random(): number;
}

const allow = DEFAULT_REQUEST_POLICY.methods.filter((m) => m !== 'REGISTER').join(', ');

export class InDialogServer {
  constructor(
    private readonly core: DialogCore,
    private readonly context: InDialogContext,
  ) {}

  receive(entry: DialogEntry, request: SipRequest, transaction: ServerTransaction): void {
    const { dialog } = entry;
    const seq = request.cseq?.seq ?? 0;
    // §12.2.2: a request with a lower CSeq than the last one is out of order.
    if (dialog.remoteSeq !== undefined && seq < dialog.remoteSeq) {
      this.context.answer(transaction, 500, { warning: { agent: 'kefu', text: 'CSeq lower than a previous request of the dialog' } });
      return;
    }
    dialog.remoteSeq = seq;
    switch (request.method) {
      case 'BYE':
        this.context.answer(transaction, 200);
        this.core.end(entry, 'bye', request);
        return;
      case 'INVITE':
      case 'UPDATE':
        this.offer(entry, request, transaction);
        return;
      case 'REFER':
        this.refer(entry, request, transaction);
        return;
      case 'NOTIFY':
        this.notify(entry, request, transaction);
        return;
      case 'INFO':
        this.info(entry, request, transaction);
        return;
      case 'OPTIONS':
        this.context.answer(transaction, 200, { headers: [['Allow', allow]] });
        return;
      default:
        this.context.answer(transaction, 501, { headers: [['Allow', allow]] });
    }
  }

  /** A re-INVITE (§14.2) or UPDATE (RFC 3311 §5.2), with or without an offer. */
  private offer(entry: DialogEntry, request: SipRequest, transaction: ServerTransaction): void {
    const { dialog } = entry;
    const isInvite = request.method === 'INVITE';
    const isOffer = isInvite || request.body.length > 0;
    if (isOffer && entry.serverOffer) {
      // §14.2, RFC 3311 §5.2: an offer while ours to an earlier one is pending: 500, retry in 0–10 s.
      this.context.answer(transaction, 500, { headers: [['Retry-After', String(Math.floor(this.context.random() * 11))]] });
      return;
    }
    if (isOffer && entry.clientOffer) {
      // §14.1, RFC 3311 §5.2: glare, both sides offered at once.
      this.context.answer(transaction, 491);
      return;
    }
    const session = negotiateAsUas(request, this.context.sessionTimer);
    if (session.kind === 'too-small') {
      this.context.answer(transaction, 422, { headers: [['Min-SE', String(session.minSe)]] });
      return;
    }
    const accept = (status: number, options: ResponseOptions): SipResponse => {
      const headers = [...(options.headers ?? [])];
      if (!headers.some(([name]) => name.toLowerCase() === 'contact')) headers.push(['Contact', dialog.contact]);
      if (session.kind === 'run') headers.push(...session.headers);
      const response = this.context.answer(transaction, status, { ...options, headers });
      // §12.2.2, RFC 3311 §5.2: a target refresh request accepted replaces the remote target.
      dialog.refreshTarget(request);
      if (options.body !== undefined && options.body.length > 0) {
        entry.localBody = { headers: [['Content-Type', response.headers.get('content-type') ?? 'application/sdp']], body: options.body };
      }
      // RFC 4028 §9: the refresh restarts the timer; `uas` is us, who answered.
      this.core.startSession(entry, session, 'uas');
      return response;
    };
    if (!isOffer) {
      // RFC 3311 with RFC 4028 §10: an UPDATE without a body is a session refresh.
      accept(200, {});
      return;
    }
    const handler = this.context.handler;
    if (handler.onOffer === undefined) {
      this.context.answer(transaction, 488);
      return;
    }
    entry.serverOffer = true;
    let final = false;
    // Called on the handler, not detached: its methods may use `this`.
    handler.onOffer(dialog, request, (status, options = {}) => {
      if (final || dialog.state === 'terminated') return;
      if (status >= 200) {
        final = true;
        entry.serverOffer = false;
      }
      if (status < 200 || status >= 300) {
        this.context.answer(transaction, status, options);
        return;
      }
      const response = accept(status, options);
      if (isInvite) this.core.retransmit2xx(entry, transaction as InviteServerTransaction, response);
    });
  }

  /** RFC 3515 §2.4: one Refer-To, 202, then NOTIFYs with sipfrag bodies on the implicit subscription. */
  private refer(entry: DialogEntry, request: SipRequest, transaction: ServerTransaction): void {
    const { dialog } = entry;
    const values = request.headers.getAll('refer-to');
    const referTo = values.length === 1 ? parseReferTo(values[0] as string) : new Fault(0, 'a REFER needs exactly one Refer-To');
    if (referTo instanceof Fault) {
      this.context.answer(transaction, 400, { warning: { agent: 'kefu', text: referTo.reason } });
      return;
    }
    const handler = this.context.handler;
    if (handler.onRefer === undefined) {
      this.context.answer(transaction, 603);
      return;
    }
    this.context.answer(transaction, 202);
    let ended = false;
    const notify = (status: number): Promise<SipResponse | undefined> => {
      if (ended || dialog.state === 'terminated') return Promise.resolve(undefined);
      if (status >= 200) ended = true;
      return this.core.request(dialog, 'NOTIFY', {
        headers: [
          ['Event', 'refer'],
          // RFC 3515 §2.4.7: the final NOTIFY ends the subscription.
          ['Subscription-State', ended ? 'terminated;reason=noresource' : 'active;expires=60'],
          ['Content-Type', 'message/sipfrag;version=2.0'],
        ],
        body: sipfrag(status),
      });
    };
    // RFC 3515 §2.4.4: the first NOTIFY goes at once, the referred request not yet answered.
    void notify(100);
    handler.onRefer(dialog, { request, referTo, notify });
  }

  /** NOTIFY of the implicit subscription of a REFER we sent (RFC 3515 §2.4.4); other events: 489. */
  private notify(entry: DialogEntry, request: SipRequest, transaction: ServerTransaction): void {
    const event = request.headers.get('event')?.split(';')[0]?.trim().toLowerCase();
    if (event !== 'refer') {
      this.context.answer(transaction, 489);
      return;
    }
    this.context.answer(transaction, 200);
    this.context.handler.onNotify?.(entry.dialog, request, sipfragStatus(request.body));
  }

  /** RFC 6086 §4.2: INFO passed up; an Info Package nobody handles gets 469. */
  private info(entry: DialogEntry, request: SipRequest, transaction: ServerTransaction): void {
    const handler = this.context.handler;
    if (handler.onInfo === undefined) {
      this.context.answer(transaction, request.headers.has('info-package') ? 469 : 200);
      return;
    }
    let final = false;
    const respond: Respond = (status, options = {}) => {
      if (final) return;
      if (status >= 200) final = true;
      this.context.answer(transaction, status, options);
    };
    handler.onInfo(entry.dialog, request, respond);
  }
}
