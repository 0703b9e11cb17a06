/**
 * An INVITE Kefu sends outside any dialog (RFC 3261 §13.2): through an INVITE client transaction,
 * with early dialogs from each 1xx carrying a To tag (forking gives several, §12.1.2), the dialog
 * confirmed by the first 2xx and acknowledged end to end (§13.2.2.4), every later 2xx from another
 * fork acknowledged and ended with a BYE, and CANCEL (§9.1) once a provisional response came.
 * A 401/407 is answered once with credentials when there are some (§8.1.3.5, §22.2).
 */
import { randomBytes } from 'node:crypto';
import { HeaderList } from '../message/header-list.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { createResponse, newTag } from '../message/response-builder.js';
import type { ClientTransaction, ClientTransactionLayer } from '../transaction/client-transaction-layer.js';
import { TimerSet, type TimerClock, type TimerValues } from '../transaction/timers.js';
import type { Peer } from '../transport/peer.js';
import { isSipUri, uriFrom, uriParam, type Uri } from '../uri.js';
import { parseNameAddr } from '../message/name-addr.js';
import { Fault } from '../fault.js';
import { withCredentials, type DigestClientCredentials } from '../auth/digest-client.js';
import type { DialogEntry } from './dialog-handler.js';
import type { DialogLayer } from './dialog-layer.js';
import { Dialog } from './dialog.js';
import { negotiatedByResponse, parseMinSe, parseSessionExpires, uacHeaders, type SessionTimerSettings } from './session-timer.js';

export interface InviteOptions {
  /** The Request-URI. */
  uri: string;
  /** The To header value; `<uri>` when left out. */
  to?: string;
  /** The From header value without a tag, e.g. `"Kefu" <sip:4000@kefu.example>`. */
  from: string;
  /** The next hop: a proxy, a carrier's gateway, or the phone itself. */
  peer: Peer;
  /** Extra header fields, e.g. Content-Type for the body. */
  headers?: [name: string, value: string][];
  /** The SDP offer. */
  body?: Buffer;
  /** What to answer a 401 or 407 with (a carrier's account); the dialog keeps them for its own requests. */
  credentials?: DigestClientCredentials;
  /** Each provisional response, with the early dialog it makes when it carries a To tag (§12.1.2). */
  onProvisional?(response: SipResponse, early: Dialog | undefined): void;
}

export type InviteOutcome =
  | { kind: 'answered'; dialog: Dialog; response: SipResponse }
  /** A final non-2xx (487 after CANCEL, 408 on timeout, 503 on transport error), or a 2xx after CANCEL (BYE sent). */
  | { kind: 'failed'; response: SipResponse };

export interface OutgoingInviteContext {
  values: TimerValues;
  clock: TimerClock;
  transactions: ClientTransactionLayer;
  dialogs: DialogLayer;
  send(message: SipRequest, peer: Peer): void;
  contact(peer: Peer): string;
  userAgent: string;
  allow: string;
  sessionTimer: SessionTimerSettings;
}

export class OutgoingInvite {
  /** The INVITE as last sent (a 422 makes a second one, RFC 4028 §7.4). */
  request: SipRequest;
  readonly result: Promise<InviteOutcome>;
  readonly #early = new Map<string, Dialog>();
  readonly #timers: TimerSet;
  #transaction: ClientTransaction;
  #resolve!: (outcome: InviteOutcome) => void;
  #provisional = false;
  #final = false;
  #cancelWanted = false;
  #cancelSent = false;
  #confirmed: DialogEntry | undefined;
  #authenticated = false;

  constructor(
    private readonly context: OutgoingInviteContext,
    private readonly options: InviteOptions,
  ) {
    this.#timers = new TimerSet(context.clock);
    this.request = this.build();
    this.result = new Promise((resolve) => (this.#resolve = resolve));
    this.#transaction = context.transactions.send(this.request, options.peer, (response) => this.response(response));
  }

  /** §8.1.1: Request-URI, To, From with our tag, a new Call-ID, CSeq, Max-Forwards, Contact. */
  private build(): SipRequest {
    const { options, context } = this;
    const headers = new HeaderList();
    headers.append('Max-Forwards', '70');
    headers.append('From', `${options.from};tag=${newTag()}`);
    headers.append('To', options.to ?? `<${options.uri}>`);
    headers.append('Call-ID', randomBytes(16).toString('hex'));
    headers.append('CSeq', '1 INVITE');
    headers.append('Contact', context.contact(options.peer));
    headers.append('Allow', context.allow);
    headers.append('User-Agent', context.userAgent);
    // RFC 4028 §7.1: ask for a session timer.
    if (context.sessionTimer.expires > 0) for (const [name, value] of uacHeaders(context.sessionTimer.expires, context.sessionTimer.minSe)) headers.append(name, value);
    for (const [name, value] of options.headers ?? []) headers.append(name, value);
    return new SipRequest('INVITE', uriFrom(options.uri), headers, options.body ?? Buffer.alloc(0));
  }

  /**
   * §9.1: gives up the call. A CANCEL goes only after a provisional response (it waits for one);
   * the INVITE is then expected to end in 487.
   */
  cancel(): void {
    if (this.#final || this.#cancelWanted) return;
    this.#cancelWanted = true;
    if (this.#provisional) this.sendCancel();
  }

  private response(response: SipResponse): void {
    if (response.status < 200) this.provisional(response);
    else if (response.status < 300) this.success(response);
    else this.failure(response);
  }

  private provisional(response: SipResponse): void {
    if (this.#final) return;
    this.#provisional = true;
    this.options.onProvisional?.(response, this.earlyDialog(response));
    if (this.#cancelWanted) this.sendCancel();
  }

  /** §12.1.2: a 1xx (not 100) with a To tag makes an early dialog, one per tag when forked. */
  private earlyDialog(response: SipResponse): Dialog | undefined {
    const tag = response.toTag;
    if (tag === undefined || response.status === 100) return undefined;
    const known = this.#early.get(tag);
    if (known !== undefined) {
      known.refreshTarget(response);
      return known;
    }
    const dialog = this.uacDialog(response);
    if (dialog !== undefined) this.#early.set(tag, dialog);
    return dialog;
  }

  private uacDialog(response: SipResponse): Dialog | undefined {
    const dialog = Dialog.asUac(this.request, response, this.options.peer, this.request.headers.get('contact') ?? '');
    if (dialog !== undefined) dialog.credentials = this.options.credentials;
    return dialog;
  }

  private success(response: SipResponse): void {
    const confirmed = this.#confirmed;
    if (confirmed !== undefined) {
      if (response.toTag === confirmed.dialog.remoteTag) {
        // §13.2.2.4: a retransmitted 2xx gets the same ACK again.
        if (confirmed.lastAck !== undefined && confirmed.dialog.state !== 'terminated') this.context.send(confirmed.lastAck, confirmed.dialog.peer);
        return;
      }
      // §13.2.2.4: a 2xx from another fork is acknowledged, and its dialog ended with a BYE.
      const other = this.uacDialog(response);
      if (other !== undefined) this.acknowledge(other, response).dialog.bye().catch(() => undefined);
      return;
    }
    const tag = response.toTag ?? '';
    const dialog = this.#early.get(tag) ?? this.uacDialog(response);
    this.finish();
    if (dialog === undefined) {
      // A 2xx without a To tag or Contact makes no dialog (§12.1.2): nothing can be acknowledged.
      this.#resolve({ kind: 'failed', response });
      return;
    }
    const entry = this.acknowledge(dialog, response);
    this.#confirmed = entry;
    // RFC 4028 §7.2: the 2xx settles the session timer; `uac` (us) or `uas` refreshes.
    const settled = negotiatedByResponse(response, this.context.sessionTimer.minSe);
    if (settled !== undefined) entry.session.start(settled.interval, settled.refresher === 'uac');
    if (this.#cancelWanted) {
      // §9.1: the call was answered before the CANCEL took effect: it is ended at once.
      dialog.bye().catch(() => undefined);
      this.#resolve({ kind: 'failed', response });
      return;
    }
    this.#resolve({ kind: 'answered', dialog, response });
  }

  /** Confirms a dialog with the layer and sends the ACK of its 2xx. */
  private acknowledge(dialog: Dialog, response: SipResponse): DialogEntry {
    dialog.confirm(response);
    dialog.peer = nextHop(dialog, this.options.peer);
    const entry = this.context.dialogs.adopt(dialog, response);
    if (this.request.body.length > 0) entry.localBody = { headers: [['Content-Type', this.request.headers.get('content-type') ?? 'application/sdp']], body: this.request.body };
    this.context.send(this.context.dialogs.buildAck(entry, this.request), dialog.peer);
    return entry;
  }

  private failure(response: SipResponse): void {
    if (this.#final) return;
    if (response.status === 422 && this.retryWithMinSe(response)) return;
    if ((response.status === 401 || response.status === 407) && this.retryWithCredentials(response)) return;
    this.finish();
    this.#resolve({ kind: 'failed', response });
  }

  /**
   * RFC 4028 §7.4: a 422 names the smallest interval the UAS takes (Min-SE); the INVITE goes
   * again, once, with that interval, the same Call-ID and tag, the next CSeq and a new branch.
   */
  private retryWithMinSe(response: SipResponse): boolean {
    const minSe = parseMinSe(response);
    const asked = parseSessionExpires(this.request);
    if (minSe === undefined || asked === undefined || minSe <= asked.interval || this.#cancelWanted) return false;
    const retry = new SipRequest('INVITE', this.request.uri, this.request.headers.clone(), this.request.body);
    retry.headers.remove('Via');
    retry.headers.set('CSeq', `${this.nextSeq} INVITE`);
    retry.headers.set('Session-Expires', `${minSe};refresher=uac`);
    retry.headers.set('Min-SE', String(minSe));
    this.resend(retry);
    return true;
  }

  /**
   * RFC 3261 §8.1.3.5, §22.2: a 401 or 407 is answered once with the credentials given (the
   * transaction has already acknowledged it, §17.1.1.3); a second challenge is the final answer,
   * since the same credentials would only be refused again.
   */
  private retryWithCredentials(response: SipResponse): boolean {
    const credentials = this.options.credentials;
    if (credentials === undefined || this.#authenticated || this.#cancelWanted) return false;
    const retry = withCredentials(this.request, response, credentials, this.nextSeq);
    if (retry === undefined) return false;
    this.#authenticated = true;
    this.resend(retry);
    return true;
  }

  private get nextSeq(): number {
    return (this.request.cseq?.seq ?? 1) + 1;
  }

  /** The INVITE again in a new transaction; the early dialogs of the last one ended with its final response (§12.1.2). */
  private resend(retry: SipRequest): void {
    this.endEarly();
    this.request = retry;
    this.#provisional = false;
    this.#transaction = this.context.transactions.send(retry, this.options.peer, (next) => this.response(next));
  }

  /** The final response is in: early dialogs end (§12.1.2: a non-2xx ends them), timers stop. */
  private finish(): void {
    this.#final = true;
    this.#timers.stopAll();
    this.endEarly();
  }

  private endEarly(): void {
    for (const early of this.#early.values()) early.state = 'terminated';
    this.#early.clear();
  }

  /**
   * §9.1: the CANCEL copies the INVITE's Request-URI, Call-ID, To, From, CSeq number, top Via
   * (same branch) and Route. If no final response comes within 64·T1, the INVITE is given up.
   */
  private sendCancel(): void {
    if (this.#cancelSent) return;
    this.#cancelSent = true;
    const invite = this.request;
    const headers = new HeaderList();
    const via = invite.headers.getAll('via')[0];
    if (via !== undefined) headers.append('Via', via);
    headers.append('Max-Forwards', '70');
    for (const name of ['From', 'To', 'Call-ID']) headers.append(name, invite.headers.get(name) ?? '');
    headers.append('CSeq', `${invite.cseq?.seq ?? 1} CANCEL`);
    for (const route of invite.headers.getAll('route')) headers.append('Route', route);
    this.context.transactions.send(new SipRequest('CANCEL', invite.uri, headers), this.options.peer, () => undefined);
    this.#timers.start('cancel', 64 * this.context.values.t1, () => {
      this.#transaction.terminate();
      this.failure(createResponse(invite, 408));
    });
  }
}

/**
 * Where the dialog's requests go: the first Route (§12.2.1.1) or else the remote target, when its
 * host is an IP address; a name would need RFC 3263 lookups, which Kefu does not do yet, so then
 * the INVITE's next hop serves.
 */
function nextHop(dialog: Dialog, fallback: Peer): Peer {
  const route = dialog.routeSet[0] === undefined ? undefined : parseNameAddr(dialog.routeSet[0]);
  const uri: Uri = route === undefined || route instanceof Fault ? dialog.remoteTarget : route.uri;
  if (!isSipUri(uri) || uri.hostKind === 'domain') return fallback;
  const transport = uriParam(uri, 'transport')?.toLowerCase() === 'tcp' ? 'TCP' : fallback.transport;
  const address = uri.host.replace(/^\[|\]$/g, '');
  const port = uri.port ?? 5060;
  if (address === fallback.address && port === fallback.port && transport === fallback.transport) return fallback;
  return { transport, address, port };
}
