/**
 * REGISTER requests as the SIP server receives them (RFC 3261 §10.3): the To checked, the
 * digest challenge and its answer (§22.4; unknown users look like wrong passwords), or a
 * connection the HTTP server vouched for, then the Contact headers handed to the Registrar and
 * its outcome answered.
 */
import { parseDigestCredentials } from '../auth/digest-credentials.js';
import type { DigestAuthenticator, StoredHa1 } from '../auth/digest-authenticator.js';
import { paramValue } from '../message/cursor.js';
import type { SipRequest } from '../message/message.js';
import type { ResponseOptions } from '../message/response-builder.js';
import { parseExpires } from '../message/scalars.js';
import { Fault } from '../fault.js';
import type { SourceGuard } from '../protection/source-guard.js';
import type { ServerTransaction } from '../transaction/server-transaction-layer.js';
import { describePeer, type Peer, type VouchedUser } from '../transport/peer.js';
import { isSipUri, serializeUri } from '../uri.js';
import { Registrar, type ContactSpec, type LocationService, type RegistrarOptions } from './registrar.js';

/** A phone's account: what the registrar needs to authenticate it and keep its bindings. */
export interface SipAccount {
  realm: string;
  ha1: StoredHa1;
  location: LocationService;
}

export interface SipAccounts {
  /** The account of `user` at `domain` (the host of the To URI), if there is one. */
  find(user: string, domain: string): Promise<SipAccount | undefined>;
  /** The realm to challenge with at `domain`, whether or not the user exists. */
  realm(domain: string): Promise<string>;
  /** Forgets every account's bindings expired at `now`; the server calls it every `registrar.sweepMs`. */
  removeExpired?(now: number): Promise<unknown>;
  /**
   * Forgets the bindings registered from `source`, a WebSocket connection that closed: RFC 7118
   * §5 leaves no way to reach that client again, so ringing its Contact would be in vain.
   */
  forgetSource?(source: string): Promise<unknown>;
}

export interface RegisterContext {
  accounts: SipAccounts;
  digest: DigestAuthenticator;
  guard: SourceGuard;
  registrar: RegistrarOptions;
  answer(transaction: ServerTransaction, status: number, options?: ResponseOptions): void;
  log: { info(fields: object, message: string): void };
}

export class RegisterHandler {
  constructor(private readonly context: RegisterContext) {}

  /** RFC 3261 §10.3 with digest authentication (§22.4); unknown users look like wrong passwords. */
  async handle(request: SipRequest, transaction: ServerTransaction, peer: Peer): Promise<void> {
    const to = request.to?.uri;
    if (to === undefined || !isSipUri(to) || to.user === undefined) {
      this.context.answer(transaction, 400, { warning: { agent: 'kefu', text: 'To must be a SIP URI with a user' } });
      return;
    }
    const domain = to.host;
    const user = to.user;
    const vouched = peer.connection?.vouched;
    if (vouched !== undefined) {
      await this.registerVouched(request, transaction, peer, vouched, user, domain);
      return;
    }
    const authorization = request.headers.get('authorization');
    if (authorization === undefined) {
      this.challenge(transaction, await this.context.accounts.realm(domain), false);
      return;
    }
    const parsed = parseDigestCredentials(authorization);
    if (!parsed.ok) {
      this.context.answer(transaction, 400, { warning: { agent: 'kefu', text: `Authorization: ${parsed.reason}` } });
      return;
    }
    const account = await this.context.accounts.find(user, domain);
    const realm = account?.realm ?? (await this.context.accounts.realm(domain));
    // §10.3 step 4: the authenticated user must be the one whose bindings change.
    const credentials = parsed.credentials;
    const known = account !== undefined && credentials.username === user;
    const verdict = this.context.digest.verify('REGISTER', credentials, realm, known ? account.ha1 : undefined);
    if (verdict === 'stale') {
      this.challenge(transaction, realm, true);
      return;
    }
    if (verdict !== 'ok' || account === undefined) {
      this.context.guard.authFailed(peer.address);
      if (account === undefined) this.context.guard.unknownUser(peer.address);
      this.context.log.info({ source: describePeer(peer), user, domain }, 'SIP authentication failed');
      this.challenge(transaction, realm, false);
      return;
    }
    await this.bind(request, transaction, peer, user, account);
  }

  /**
   * A connection the HTTP server vouched for registers its own user without a digest (the page
   * holds no SIP password); any other user is refused, and so is everyone once the login ended.
   * RFC 3261 §10.3 step 4 leaves it to the registrar who may bind an address-of-record; §21.4.4:
   * 403 says that authenticating would not help.
   */
  private async registerVouched(request: SipRequest, transaction: ServerTransaction, peer: Peer, vouched: VouchedUser, user: string, domain: string): Promise<void> {
    if (!(await vouched.valid())) {
      this.context.answer(transaction, 403, { warning: { agent: 'kefu', text: 'the login of this page has ended: log in again' } });
      return;
    }
    const account = await this.context.accounts.find(user, domain);
    if (account === undefined || user !== vouched.user || account.realm !== vouched.realm) {
      this.context.log.info({ source: describePeer(peer), user, domain, vouched: vouched.user }, 'SIP REGISTER for another user refused');
      this.context.answer(transaction, 403, { warning: { agent: 'kefu', text: `this login may register ${vouched.user} only` } });
      return;
    }
    await this.bind(request, transaction, peer, user, account);
  }

  private async bind(request: SipRequest, transaction: ServerTransaction, peer: Peer, user: string, account: SipAccount): Promise<void> {
    const expiresHeader = request.headers.get('expires');
    const expires = expiresHeader === undefined ? undefined : parseExpires(expiresHeader);
    if (expires instanceof Fault) {
      this.context.answer(transaction, 400, { warning: { agent: 'kefu', text: 'Expires is not a number of seconds' } });
      return;
    }
    const contacts = request.contacts;
    let specs: ContactSpec[] | '*' = [];
    if (contacts === '*') specs = '*';
    else if (contacts !== undefined) {
      specs = contacts.map((contact) => {
        const spec: ContactSpec = { uri: serializeUri(contact.uri) };
        const e = paramValue(contact.params, 'expires');
        const q = paramValue(contact.params, 'q');
        if (e !== undefined) spec.expires = /^\d{1,10}$/.test(e) ? Number(e) : -1;
        if (q !== undefined) spec.q = Number(q);
        return spec;
      });
    } else if (request.headers.has('contact')) {
      this.context.answer(transaction, 400, { warning: { agent: 'kefu', text: 'Contact does not parse' } });
      return;
    }
    const registrar = new Registrar(account.location, this.context.registrar);
    const outcome = await registrar.register({
      aor: user,
      contacts: specs,
      ...(expires !== undefined ? { expires } : {}),
      callId: request.callId ?? '',
      cseq: request.cseq?.seq ?? 0,
      source: describePeer(peer),
      ...(request.headers.get('user-agent') !== undefined ? { userAgent: request.headers.get('user-agent') as string } : {}),
    });
    switch (outcome.status) {
      case 200:
        this.context.answer(transaction, 200, {
          headers: [
            ...outcome.contacts.map((c): [string, string] => ['Contact', `<${c.uri}>;expires=${c.expires}${c.q !== null ? `;q=${c.q}` : ''}`]),
            ['Date', new Date(this.context.registrar.now()).toUTCString()],
          ],
        });
        return;
      case 423:
        this.context.answer(transaction, 423, { headers: [['Min-Expires', String(outcome.minExpires)]] });
        return;
      default:
        this.context.answer(transaction, outcome.status, { warning: { agent: 'kefu', text: outcome.reason } });
    }
  }

  private challenge(transaction: ServerTransaction, realm: string, stale: boolean): void {
    const challenges = this.context.digest.challenges(realm, stale);
    this.context.answer(transaction, 401, { headers: challenges.map((c): [string, string] => ['WWW-Authenticate', c]) });
  }
}
