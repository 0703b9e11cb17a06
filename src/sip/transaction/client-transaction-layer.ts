/**
 * Starts client transactions and finds the one a response belongs to (RFC 3261 §17.1.3): the
 * branch of the top Via and the CSeq method. Each request gets a fresh RFC 3261 branch in a Via
 * of our own (§8.1.1.7), except a CANCEL, which reuses its INVITE's (§9.1).
 */
import { randomBytes } from 'node:crypto';
import type { SipRequest, SipResponse } from '../message/message.js';
import { BRANCH_COOKIE, viaBranch } from '../message/via.js';
import type { Peer } from '../transport/peer.js';
import {
  InviteClientTransaction,
  NonInviteClientTransaction,
  type ClientTransactionContext,
  type ResponseListener,
} from './client-transactions.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

export interface ClientTransactionLayerOptions extends Omit<ClientTransactionContext, 'terminated'> {
  /** Our sent-by for a Via on the way to `peer` (`host:port`, §18.1.1). */
  sentBy(peer: Peer): string;
}

/** §8.1.1.7: a branch unique across space and time, starting with the magic cookie. */
export const newBranch = (): string => `${BRANCH_COOKIE}-${randomBytes(10).toString('hex')}`;

const clientKey = (branch: string, method: string): string => `${branch}|${method}`;

export class ClientTransactionLayer {
  readonly #transactions = new Map<string, ClientTransaction>();
  readonly #context: ClientTransactionContext;

  constructor(private readonly options: ClientTransactionLayerOptions) {
    this.#context = { ...options, terminated: (key) => this.#transactions.delete(key) };
  }

  get size(): number {
    return this.#transactions.size;
  }

  /**
   * Sends `request` to `peer` in a new client transaction. A request without a Via gets ours
   * with a new branch; a CANCEL keeps the Via its builder copied from the INVITE.
   */
  send(request: SipRequest, peer: Peer, listener: ResponseListener): ClientTransaction {
    if (!request.headers.has('via')) {
      request.headers.prepend('Via', `SIP/2.0/${peer.transport} ${this.options.sentBy(peer)};branch=${newBranch()};rport`);
    }
    const branch = request.via[0] === undefined ? newBranch() : (viaBranch(request.via[0]) ?? newBranch());
    const key = clientKey(branch, request.method);
    const transaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(key, request, peer, this.#context, listener)
        : new NonInviteClientTransaction(key, request, peer, this.#context, listener);
    this.#transactions.set(key, transaction);
    transaction.start();
    return transaction;
  }

  /** §17.1.3: a response goes to the transaction of its branch and CSeq method; false if none. */
  receive(response: SipResponse): boolean {
    const top = response.via[0];
    const branch = top === undefined ? undefined : viaBranch(top);
    const method = response.cseq?.method;
    if (branch === undefined || method === undefined) return false;
    const transaction = this.#transactions.get(clientKey(branch, method));
    if (transaction === undefined) return false;
    transaction.receive(response);
    return true;
  }

  /** Ends every transaction, their timers with them (the server is stopping). */
  close(): void {
    for (const transaction of [...this.#transactions.values()]) transaction.terminate();
  }
}
