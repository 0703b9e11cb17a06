/**
 * Finds the server transaction a request belongs to (RFC 3261 §17.2.3) and creates new ones: a
 * retransmission goes to its transaction and never reaches the core twice; an ACK for a non-2xx
 * final response ends in its INVITE transaction; a CANCEL finds the INVITE it cancels (§9.2).
 */
import type { SipRequest } from '../message/message.js';
import { BRANCH_COOKIE, viaBranch } from '../message/via.js';
import { responseDestination } from '../transport/received.js';
import type { Peer } from '../transport/peer.js';
import {
  InviteServerTransaction,
  NonInviteServerTransaction,
  type ServerTransactionContext,
} from './server-transactions.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export type Arrival =
  /** A new request: the core answers it through the transaction. */
  | { kind: 'new'; transaction: ServerTransaction }
  /** A retransmission or an ACK the transaction absorbed: nothing for the core. */
  | { kind: 'absorbed' }
  /** An ACK no transaction matched: a 2xx's ACK (§13.2.2.4), for the core's dialog. */
  | { kind: 'ack' }
  /** A CANCEL: its own transaction, and the INVITE transaction it cancels if there is one. */
  | { kind: 'cancel'; transaction: NonInviteServerTransaction; invite: InviteServerTransaction | undefined };

/**
 * The matching key of §17.2.3: branch, sent-by and method (ACK matches INVITE). Requests from
 * RFC 2543 elements (no magic cookie) are keyed by the fields §17.2.3 lists for them instead.
 */
export function transactionKey(request: SipRequest, method = request.method): string | undefined {
  const top = request.via[0];
  if (top === undefined) return undefined;
  const sentBy = `${top.host}:${top.port ?? ''}`;
  const branch = viaBranch(top);
  if (branch !== undefined && branch.startsWith(BRANCH_COOKIE)) return `${branch}|${sentBy}|${method}`;
  const cseq = request.cseq;
  return `2543|${request.headers.get('call-id')}|${request.fromTag ?? ''}|${cseq?.seq}|${sentBy}|${branch ?? ''}|${method}`;
}

export class ServerTransactionLayer {
  readonly #transactions = new Map<string, ServerTransaction>();
  readonly #context: ServerTransactionContext;

  constructor(context: Omit<ServerTransactionContext, 'terminated'>) {
    this.#context = { ...context, terminated: (key) => this.#transactions.delete(key) };
  }

  get size(): number {
    return this.#transactions.size;
  }

  arrive(request: SipRequest, peer: Peer): Arrival {
    const method = request.method === 'ACK' ? 'INVITE' : request.method;
    const key = transactionKey(request, method);
    if (key === undefined) return { kind: 'absorbed' };
    const existing = this.#transactions.get(key);
    if (request.method === 'ACK') {
      if (existing instanceof InviteServerTransaction && existing.state !== 'accepted') {
        existing.receiveAck();
        return { kind: 'absorbed' };
      }
      return { kind: 'ack' };
    }
    if (existing instanceof InviteServerTransaction) {
      existing.receiveInvite();
      return { kind: 'absorbed' };
    }
    if (existing instanceof NonInviteServerTransaction) {
      existing.receiveRequest();
      return { kind: 'absorbed' };
    }
    const destination = responseDestination(request, peer);
    if (request.method === 'INVITE') {
      const transaction = new InviteServerTransaction(key, request, destination, this.#context);
      this.#transactions.set(key, transaction);
      return { kind: 'new', transaction };
    }
    const transaction = new NonInviteServerTransaction(key, request, destination, this.#context);
    this.#transactions.set(key, transaction);
    if (request.method !== 'CANCEL') return { kind: 'new', transaction };
    // §9.2: the CANCEL matches the INVITE whose transaction has the same key but for the method.
    const inviteKey = transactionKey(request, 'INVITE');
    const invite = inviteKey === undefined ? undefined : this.#transactions.get(inviteKey);
    return { kind: 'cancel', transaction, invite: invite instanceof InviteServerTransaction ? invite : undefined };
  }
}
