/**
 * A SIP server: transports, protection, request checks, server transactions, and the requests
 * the stack answers itself: OPTIONS, REGISTER (digest-authenticated, RFC 3261 §10.3, §22.4),
 * CANCEL (§9.2) and requests outside any dialog. INVITEs go to the layer above through a delegate.
 * It knows accounts and targets only through the interfaces below: nothing of tenants or calls.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseDigestCredentials } from './auth/digest-credentials.js';
import { DigestAuthenticator, type DigestAlgorithm } from './auth/digest-authenticator.js';
import type { SipRequest, SipResponse } from './message/message.js';
import { canAnswer, createResponse, type ResponseOptions } from './message/response-builder.js';
import type { DialogHandler, Respond } from './dialog/dialog-handler.js';
import { DialogLayer } from './dialog/dialog-layer.js';
import { OutgoingInvite, type InviteOptions } from './dialog/outgoing-invite.js';
import { defaultSessionTimerSettings, type SessionTimerSettings } from './dialog/session-timer.js';
import type { MessageParseError } from './message/parser.js';
import { validateRequest, DEFAULT_REQUEST_POLICY } from './message/validate.js';
import { isScanner, SourceGuard, type SecurityEvent, type SourceGuardOptions } from './protection/source-guard.js';
import { sweepExpiredBindings } from './registrar/binding-sweep.js';
import { RegisterHandler, type SipAccounts } from './registrar/register-handler.js';
import type { RegistrarOptions } from './registrar/registrar.js';
import { ServerTransactionLayer, type ServerTransaction } from './transaction/server-transaction-layer.js';
import type { InviteServerTransaction } from './transaction/server-transactions.js';
import { ClientTransactionLayer } from './transaction/client-transaction-layer.js';
import type { TimerClock, TimerValues } from './transaction/timers.js';
import { describePeer, isSecure, type Peer, type TransportName, type VouchedUser } from './transport/peer.js';
import { responseDestination } from './transport/received.js';
import { TransportLayer, type TransportOptions } from './transport/transport-layer.js';
import { isSipUri } from './uri.js';

export type { SipAccount, SipAccounts } from './registrar/register-handler.js';

/**
 * The layer above (calls) takes INVITEs here and answers through `respond`; what happens in the
 * dialogs they make (ACK, re-INVITE and UPDATE offers, REFER, INFO, NOTIFY, the end) comes
 * through the DialogHandler part.
 */
export interface InviteHandler extends DialogHandler {
  /** A new INVITE: answer it with `respond` (provisional, then final; a 2xx makes a dialog). */
  onInvite(request: SipRequest, transaction: InviteServerTransaction, respond: Respond, caller: InviteCaller): void;
  onCancel?(request: SipRequest): void;
}

/** Who sent a new INVITE, as far as the server can tell. */
export interface InviteCaller {
  /** Where it came from, written as a binding's source is (`udp:192.0.2.1:5060`). */
  source: string;
  /** The account whose Proxy-Authorization the server verified (RFC 3261 §22.3), if it carried one. */
  authenticated: { user: string; domain: string } | undefined;
  /** The Proxy-Authenticate header fields of a 407 asking a phone at `domain` to authenticate. */
  challenge(domain: string): Promise<[string, string][]>;
}

export interface SipLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface SipServerOptions {
  transport: TransportOptions;
  timers: TimerValues;
  clock: TimerClock;
  now: () => number;
  userAgent: string;
  accounts: SipAccounts;
  invites: InviteHandler;
  /** `sweepMs`: how often expired bindings are removed, every minute by default. */
  registrar: Omit<RegistrarOptions, 'now'> & { sweepMs?: number };
  /** Algorithms in the order offered: many UACs (SIPp, older phones) answer only the first challenge. */
  digest: { nonceLifetimeMs: number; algorithms: DigestAlgorithm[]; secret?: Buffer };
  protection: Omit<SourceGuardOptions, 'now' | 'onBlock'> & { dropScanners: boolean };
  /** RFC 4028 session timers; 1800 s asked for as a caller and a Min-SE of 90 s by default. */
  sessionTimer?: SessionTimerSettings;
  onSecurityEvent: (event: SecurityEvent) => void;
  log: SipLog;
}

const allow = DEFAULT_REQUEST_POLICY.methods.join(', ');

export class SipServer {
  readonly #transactions: ServerTransactionLayer;
  readonly #guard: SourceGuard;
  readonly #digest: DigestAuthenticator;
  readonly #registers: RegisterHandler;
  readonly #clients: ClientTransactionLayer;
  readonly #dialogs: DialogLayer;
  #transport!: TransportLayer;
  #stopSweeping = () => {};

  private constructor(private readonly options: SipServerOptions) {
    this.#transactions = new ServerTransactionLayer({
      values: options.timers,
      clock: options.clock,
      send: (response, peer) => this.#transport.send(response, peer),
    });
    this.#clients = new ClientTransactionLayer({
      values: options.timers,
      clock: options.clock,
      // RFC 3261 §8.1.3.1: no connection to the peer (a WebSocket client gone, RFC 7118 §5) is a
      // transport error, a 503 at once, rather than a wait for Timer B or F.
      send: (request, peer) => {
        if (!this.#transport.send(request, peer)) throw new Error(`no connection to ${describePeer(peer)}`);
      },
      sentBy: () => this.sentBy,
    });
    this.#dialogs = new DialogLayer({
      values: options.timers,
      clock: options.clock,
      transactions: this.#clients,
      send: (message, peer) => this.#transport.send(message, peer),
      sentBy: () => this.sentBy,
      answer: (transaction, status, answerOptions) => this.answer(transaction, status, answerOptions),
      contact: (peer) => this.contact(peer),
      handler: options.invites,
      sessionTimer: options.sessionTimer ?? defaultSessionTimerSettings,
      random: Math.random,
      warn: (fields, message) => options.log.warn(fields, message),
    });
    this.#guard = new SourceGuard({ ...options.protection, now: options.now, onBlock: options.onSecurityEvent });
    this.#digest = new DigestAuthenticator({
      nonceLifetimeMs: options.digest.nonceLifetimeMs,
      algorithms: options.digest.algorithms,
      now: options.now,
      ...(options.digest.secret ? { secret: options.digest.secret } : {}),
    });
    this.#registers = new RegisterHandler({
      accounts: options.accounts,
      digest: this.#digest,
      guard: this.#guard,
      registrar: { ...options.registrar, now: options.now },
      answer: (transaction, status, answerOptions) => this.answer(transaction, status, answerOptions),
      log: options.log,
    });
  }

  static async start(options: SipServerOptions): Promise<SipServer> {
    const server = new SipServer(options);
    // The WebSocket pings run on the server's clock unless the transport has its own.
    server.#transport = await TransportLayer.listen({ clock: options.clock, ...options.transport }, {
      onMessage: (message, peer) => {
        if (message.kind === 'request') server.request(message, peer);
        else server.response(message);
      },
      onUnparsable: (error, peer) => server.unparsable(error, peer),
      onWebSocketClosed: (peer) => server.webSocketClosed(peer),
    });
    const removeExpired = options.accounts.removeExpired?.bind(options.accounts);
    const everyMs = options.registrar.sweepMs ?? 60_000;
    if (removeExpired) server.#stopSweeping = sweepExpiredBindings({ clock: options.clock, everyMs, now: options.now, removeExpired, log: options.log });
    return server;
  }

  get port(): number {
    return this.#transport.port;
  }

  /** The port `transport` listens on here, if it has one of its own. */
  localPort(transport: TransportName): number | undefined {
    return this.#transport.localPort(transport);
  }

  /** A WebSocket upgrade from the HTTP server: false when it is not for the SIP path (RFC 7118). */
  acceptUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.#transport.acceptUpgrade(request, socket, head);
  }

  /** Our sent-by in a Via (RFC 3261 §18.1.1): the address and port we listen on. */
  private get sentBy(): string {
    const host = this.options.transport.host.includes(':') ? `[${this.options.transport.host}]` : this.options.transport.host;
    return `${host}:${this.port}`;
  }

  /**
   * Sends an INVITE outside any dialog through a client transaction (RFC 3261 §13.2); `result`
   * gives the dialog once answered, and `cancel()` gives the call up (§9.1).
   */
  invite(options: InviteOptions): OutgoingInvite {
    return new OutgoingInvite(
      {
        values: this.options.timers,
        clock: this.options.clock,
        transactions: this.#clients,
        dialogs: this.#dialogs,
        send: (message, peer) => this.#transport.send(message, peer),
        contact: (peer) => this.contact(peer),
        userAgent: this.options.userAgent,
        allow,
        sessionTimer: this.options.sessionTimer ?? defaultSessionTimerSettings,
      },
      options,
    );
  }

  /** Stops listening and sweeping, and forgets every transaction and dialog, their timers with them. */
  close(): Promise<void> {
    this.#stopSweeping();
    this.#clients.close();
    this.#dialogs.close();
    return this.#transport.close();
  }

  /** A WebSocket client is gone: its bindings first, so that a call to its dialogs' party finds only its new ones. */
  private webSocketClosed(peer: Peer): void {
    const source = describePeer(peer);
    const forgotten = this.options.accounts.forgetSource?.(source) ?? Promise.resolve();
    forgotten
      .catch((error: unknown) => this.options.log.warn({ err: error, source }, 'bindings of a closed WebSocket not removed'))
      .finally(() => this.#dialogs.flowLost(source));
  }

  /** RFC 3261 §8.2: a request that does not parse still gets 400 when it can be answered. */
  private unparsable(error: MessageParseError, peer: Peer): void {
    if (!this.#guard.admit(peer.address)) return;
    const partial = error.partial;
    if (partial === undefined || error.status === undefined || partial.method === 'ACK' || !canAnswer(partial)) return;
    const response = createResponse(partial, error.status, { warning: { agent: 'kefu', text: error.reason } });
    this.#transport.send(response, peer);
  }

  private request(request: SipRequest, peer: Peer): void {
    if (!this.#guard.admit(peer.address)) return;
    if (this.options.protection.dropScanners && isScanner(request.headers.get('user-agent'))) return;
    // RFC 3261 §26.2.2: a sips: Request-URI asks for TLS on every hop; one that came over an
    // insecure one is refused like a scheme the server does not support (§8.2.2.1).
    const rejection =
      request.uri.scheme === 'sips' && !isSecure(peer.transport)
        ? { status: 416, headers: [], reason: `a sips: Request-URI needs TLS, not ${peer.transport}` }
        : validateRequest(request);
    if (rejection !== undefined) {
      if (request.method === 'ACK') return;
      const response = createResponse(request, rejection.status, { headers: rejection.headers, warning: { agent: 'kefu', text: rejection.reason } });
      this.#transport.send(response, responseDestination(request, peer));
      return;
    }
    const arrival = this.#transactions.arrive(request, peer);
    switch (arrival.kind) {
      case 'absorbed':
        return;
      case 'ack':
        this.#dialogs.ack(request);
        return;
      case 'cancel':
        this.cancel(arrival.transaction, arrival.invite);
        return;
      case 'new':
        this.dispatch(request, arrival.transaction, peer).catch((error: unknown) => {
          this.options.log.warn({ err: error, callId: request.callId }, 'SIP request failed');
          this.answer(arrival.transaction, 500);
        });
        return;
      default: {
        const never: never = arrival;
        throw new Error(`unexpected arrival ${String(never)}`);
      }
    }
  }

  /** §17.1.3: a response goes to its client transaction; a late 2xx to its dialog (RFC 6026). */
  private response(response: SipResponse): void {
    try {
      if (!this.#clients.receive(response)) this.#dialogs.strayResponse(response);
    } catch (error) {
      // Whatever a response makes the layers above do, the server keeps serving.
      this.options.log.warn({ err: error, callId: response.callId }, 'SIP response failed');
    }
  }

  private answer(transaction: ServerTransaction, status: number, options: ResponseOptions = {}): SipResponse {
    const response = createResponse(transaction.request, status, {
      ...options,
      headers: [['Server', this.options.userAgent], ...(options.headers ?? [])],
    });
    transaction.respond(response);
    return response;
  }

  private async dispatch(request: SipRequest, transaction: ServerTransaction, peer: Peer): Promise<void> {
    if (request.toTag !== undefined && request.method !== 'CANCEL') {
      this.#dialogs.receive(request, transaction);
      return;
    }
    switch (request.method) {
      case 'OPTIONS':
        // RFC 3261 §11.2: what this element can do.
        this.answer(transaction, 200, { headers: [['Allow', allow], ['Accept', 'application/sdp'], ['Supported', 'timer']] });
        return;
      case 'REGISTER':
        await this.#registers.handle(request, transaction, peer);
        return;
      case 'INVITE': {
        const invite = transaction as InviteServerTransaction;
        const vouched = peer.connection?.vouched;
        const authenticated = vouched === undefined ? await this.proxyAuthenticated(request, invite, peer) : await this.vouchedCaller(vouched, invite);
        if (authenticated === false) return;
        const caller: InviteCaller = {
          source: describePeer(peer),
          authenticated,
          challenge: async (domain) => this.#digest.challenges(await this.options.accounts.realm(domain), false).map((c): [string, string] => ['Proxy-Authenticate', c]),
        };
        this.#dialogs.incomingInvite(request, invite, peer, (respond) => this.options.invites.onInvite(request, invite, respond, caller));
        return;
      }
      default:
        // RFC 3261 §12.2.2: a request inside a dialog this element does not have gets 481.
        if (request.toTag !== undefined) this.answer(transaction, 481);
        else this.answer(transaction, 405, { headers: [['Allow', allow]] });
    }
  }

  /** RFC 3261 §9.2: 200 to the CANCEL, and 487 to the INVITE if it is still unanswered. */
  private cancel(transaction: ServerTransaction, invite: InviteServerTransaction | undefined): void {
    if (invite === undefined) {
      this.answer(transaction, 481);
      return;
    }
    this.answer(transaction, 200);
    if (invite.state === 'proceeding') {
      this.options.invites.onCancel?.(invite.request);
      this.answer(invite, 487);
    }
  }

  /** An INVITE on a vouched connection comes from its user, while the login lasts (else 403, RFC 3261 §21.4.4). */
  private async vouchedCaller(vouched: VouchedUser, transaction: ServerTransaction): Promise<{ user: string; domain: string } | false> {
    if (await vouched.valid()) return { user: vouched.user, domain: vouched.realm };
    this.answer(transaction, 403, { warning: { agent: 'kefu', text: 'the login of this page has ended: log in again' } });
    return false;
  }

  /** This server as a Contact for dialogs it makes with `peer`, on the transport the peer used (RFC 7118 §5.2.2). */
  private contact(peer: Peer): string {
    const host = this.options.transport.host.includes(':') ? `[${this.options.transport.host}]` : this.options.transport.host;
    const port = this.localPort(peer.transport);
    return `<sip:kefu@${host}${port === undefined ? '' : `:${port}`}${peer.transport === 'UDP' ? '' : `;transport=${peer.transport.toLowerCase()}`}>`;
  }

  /**
   * RFC 3261 §22.3: an INVITE answering a 407 carries Proxy-Authorization for an account at the
   * Request-URI's domain. Verified: the account; none: undefined; wrong or stale: a new 407 has
   * been sent (false), and a wrong one counts against the source like a failed REGISTER.
   */
  private async proxyAuthenticated(request: SipRequest, transaction: ServerTransaction, peer: Peer): Promise<{ user: string; domain: string } | undefined | false> {
    const authorization = request.headers.get('proxy-authorization');
    if (authorization === undefined || !isSipUri(request.uri)) return undefined;
    const domain = request.uri.host;
    const parsed = parseDigestCredentials(authorization);
    if (!parsed.ok) {
      this.answer(transaction, 400, { warning: { agent: 'kefu', text: `Proxy-Authorization: ${parsed.reason}` } });
      return false;
    }
    const user = parsed.credentials.username;
    const account = await this.options.accounts.find(user, domain);
    const realm = account?.realm ?? (await this.options.accounts.realm(domain));
    const verdict = this.#digest.verify('INVITE', parsed.credentials, realm, account?.ha1);
    if (verdict === 'ok' && account !== undefined) return { user, domain };
    if (verdict !== 'stale') {
      this.#guard.authFailed(peer.address);
      if (account === undefined) this.#guard.unknownUser(peer.address);
      this.options.log.info({ source: describePeer(peer), user, domain }, 'SIP authentication of an INVITE failed');
    }
    const challenges = this.#digest.challenges(realm, verdict === 'stale');
    this.answer(transaction, 407, { headers: challenges.map((c): [string, string] => ['Proxy-Authenticate', c]) });
    return false;
  }
}
