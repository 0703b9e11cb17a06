/**
 * A dialog (RFC 3261 §12) as either side sees it: its id (Call-ID, local and remote tags), the
 * parties, the remote target and route set, and the two CSeq spaces. It builds the requests sent
 * inside it (§12.2.1.1) and the ACK of a 2xx (§13.2.2.4); the dialog layer sends them.
 */
import { Fault } from '../fault.js';
import { HeaderList } from '../message/header-list.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { parseNameAddr } from '../message/name-addr.js';
import type { Peer } from '../transport/peer.js';
import { isSipUri, serializeUri, uriParam, type Uri } from '../uri.js';
import type { OutgoingRequestOptions, ReferOptions, ReinviteOptions } from './dialog-requests.js';
import type { DigestClientCredentials } from '../auth/digest-client.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';
/** Which side of the INVITE that made the dialog we were (§12.1). */
export type DialogRole = 'uac' | 'uas';

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

/** Methods that refresh the remote target and so carry a Contact (§12.2.1.1, RFC 3311, RFC 3515). */
const TARGET_REFRESH = new Set(['INVITE', 'UPDATE', 'REFER', 'NOTIFY', 'SUBSCRIBE']);

/** What a dialog asks of the layer that sends its requests (the dialog layer). */
export interface DialogRequests {
  request(dialog: Dialog, method: string, options: OutgoingRequestOptions): Promise<SipResponse>;
  reinvite(dialog: Dialog, options: ReinviteOptions): Promise<SipResponse>;
  refer(dialog: Dialog, target: string, options: ReferOptions): Promise<SipResponse>;
  bye(dialog: Dialog, options?: OutgoingRequestOptions): Promise<SipResponse>;
}

export interface DialogInit {
  role: DialogRole;
  state: DialogState;
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From (UAC) or To (UAS) of the INVITE, with our tag. */
  localParty: string;
  /** To of the response (UAC) or From of the INVITE (UAS), with the remote tag. */
  remoteParty: string;
  remoteTarget: Uri;
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
  invite: SipRequest;
  peer: Peer;
  contact: string;
}

export class Dialog {
  state: DialogState;
  readonly role: DialogRole;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localParty: string;
  readonly remoteParty: string;
  /** §12.2.1.2, §12.2.2: replaced by the Contact of each target refresh. */
  remoteTarget: Uri;
  routeSet: string[];
  localSeq: number;
  /** §12.2.2: the highest CSeq seen from the peer; empty until its first request in a UAC dialog. */
  remoteSeq: number | undefined;
  /** The INVITE that made the dialog. */
  readonly invite: SipRequest;
  /** Where requests inside the dialog go: the next hop. */
  peer: Peer;
  /** Our Contact in this dialog. */
  readonly contact: string;
  /** What our requests answer the peer's 401/407 with (RFC 3261 §22.2): a carrier's account. */
  credentials: DigestClientCredentials | undefined;
  #requests: DialogRequests | undefined;

  constructor(init: DialogInit) {
    this.state = init.state;
    this.role = init.role;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localParty = init.localParty;
    this.remoteParty = init.remoteParty;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.invite = init.invite;
    this.peer = init.peer;
    this.contact = init.contact;
  }

  /** §12.1.1: the UAS dialog from the INVITE and our tag; the route set is Record-Route in order. */
  static asUas(invite: SipRequest, localTag: string, peer: Peer, contact: string): Dialog | undefined {
    const target = firstContact(invite);
    if (target === undefined) return undefined;
    return new Dialog({
      role: 'uas',
      state: 'early',
      callId: invite.callId ?? '',
      localTag,
      remoteTag: invite.fromTag ?? '',
      localParty: `${invite.headers.get('to') ?? ''};tag=${localTag}`,
      remoteParty: invite.headers.get('from') ?? '',
      remoteTarget: target,
      routeSet: invite.headers.list('record-route'),
      // §12.1.1: our sequence number starts empty; any value will do for our first request.
      localSeq: 0,
      remoteSeq: invite.cseq?.seq ?? 0,
      invite,
      peer,
      contact,
    });
  }

  /** §12.1.2: the UAC dialog from a 1xx/2xx with a To tag; the route set is Record-Route reversed. */
  static asUac(invite: SipRequest, response: SipResponse, peer: Peer, contact: string): Dialog | undefined {
    const target = firstContact(response);
    const remoteTag = response.toTag;
    if (target === undefined || remoteTag === undefined) return undefined;
    return new Dialog({
      role: 'uac',
      state: response.status < 200 ? 'early' : 'confirmed',
      callId: invite.callId ?? '',
      localTag: invite.fromTag ?? '',
      remoteTag,
      localParty: invite.headers.get('from') ?? '',
      remoteParty: response.headers.get('to') ?? '',
      remoteTarget: target,
      routeSet: response.headers.list('record-route').reverse(),
      localSeq: invite.cseq?.seq ?? 0,
      remoteSeq: undefined,
      invite,
      peer,
      contact,
    });
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /** The dialog layer that sends this dialog's requests; set once when it takes the dialog. */
  attach(requests: DialogRequests): void {
    this.#requests = requests;
  }

  /**
   * RFC 3261 §12.2.1.1: a request inside the dialog. CSeq is the local sequence number plus one
   * (ACK and CANCEL take the INVITE's); the Request-URI and Route follow the route set: with a
   * loose router first (`lr`) the remote target is the Request-URI and the route set the Route;
   * with a strict router its URI is the Request-URI and the remote target ends the Route.
   */
  createRequest(method: string, options: OutgoingRequestOptions = {}): SipRequest {
    const headers = new HeaderList();
    const first = this.routeSet[0];
    const firstUri = first === undefined ? undefined : parseNameAddr(first);
    let uri = this.remoteTarget;
    let routes = this.routeSet;
    if (firstUri !== undefined && !(firstUri instanceof Fault) && isSipUri(firstUri.uri) && uriParam(firstUri.uri, 'lr') === undefined) {
      uri = { ...firstUri.uri, params: firstUri.uri.params.filter((p) => p.name.toLowerCase() !== 'lr'), headers: [] };
      routes = [...this.routeSet.slice(1), `<${serializeUri(this.remoteTarget)}>`];
    }
    for (const route of routes) headers.append('Route', route);
    headers.append('Max-Forwards', '70');
    headers.append('From', this.localParty);
    headers.append('To', this.remoteParty);
    headers.append('Call-ID', this.callId);
    let seq: number;
    if (method === 'ACK' || method === 'CANCEL') seq = this.invite.cseq?.seq ?? this.localSeq;
    else seq = ++this.localSeq;
    headers.append('CSeq', `${seq} ${method}`);
    if (TARGET_REFRESH.has(method)) headers.append('Contact', this.contact);
    for (const [name, value] of options.headers ?? []) headers.append(name, value);
    return new SipRequest(method, uri, headers, options.body ?? Buffer.alloc(0));
  }

  /** §13.2.2.4: the ACK of a 2xx, with the CSeq number of the INVITE it answers. */
  createAck(invite: SipRequest, body?: { contentType: string; body: Buffer }): SipRequest {
    const ack = this.createRequest('ACK', body === undefined ? {} : { headers: [['Content-Type', body.contentType]], body: body.body });
    ack.headers.set('CSeq', `${invite.cseq?.seq ?? 0} ACK`);
    return ack;
  }

  /**
   * §13.2.2.4: a 2xx confirms the UAC's early dialog; the route set is recomputed from the 2xx
   * (Record-Route reversed) and the remote target taken from its Contact.
   */
  confirm(response: SipResponse): void {
    this.state = 'confirmed';
    this.routeSet = response.headers.list('record-route').reverse();
    this.refreshTarget(response);
  }

  /** §12.2.1.2, §12.2.2: a target refresh request or its 2xx replaces the remote target. */
  refreshTarget(message: SipRequest | SipResponse): void {
    const target = firstContact(message);
    if (target !== undefined) this.remoteTarget = target;
  }

  private requests(): DialogRequests {
    if (this.#requests === undefined || this.state === 'terminated') throw new Error(`dialog ${this.callId} cannot send: ${this.state}`);
    return this.#requests;
  }

  /**
   * A re-INVITE (§14.1): a new offer (hold, resume, a codec change), or none and an answer to
   * the 2xx's offer in the ACK; resolves on the final response.
   */
  async reinvite(options: ReinviteOptions = {}): Promise<SipResponse> {
    return this.requests().reinvite(this, options);
  }

  /** An UPDATE (RFC 3311): an offer, or a session refresh without a body. */
  async update(options: OutgoingRequestOptions = {}): Promise<SipResponse> {
    return this.requests().request(this, 'UPDATE', options);
  }

  /** An INFO (RFC 6086), e.g. `application/dtmf-relay`. */
  async info(contentType: string, body: Buffer, headers: [string, string][] = []): Promise<SipResponse> {
    return this.requests().request(this, 'INFO', { headers: [['Content-Type', contentType], ...headers], body });
  }

  /** A REFER (RFC 3515): asks the peer to call `target`; NOTIFYs come to the handler's `onNotify`. */
  async refer(target: string, options: ReferOptions = {}): Promise<SipResponse> {
    return this.requests().refer(this, target, options);
  }

  /** Ends the dialog with a BYE (§15.1.1), with a Reason (RFC 3326) if given; resolves on its response. */
  async bye(options: OutgoingRequestOptions = {}): Promise<SipResponse> {
    return this.requests().bye(this, options);
  }

  /** Any other request inside the dialog. */
  async request(method: string, options: OutgoingRequestOptions = {}): Promise<SipResponse> {
    return this.requests().request(this, method, options);
  }
}

function firstContact(message: SipRequest | SipResponse): Uri | undefined {
  const contacts = message.contacts;
  if (contacts === undefined || contacts === '*') return undefined;
  return contacts[0]?.uri;
}
