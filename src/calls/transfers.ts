/**
 * The callers connected to a party right now, and the transfers asked of them: by the party's
 * phone with a REFER (RFC 3515 §2.4: answered 202, then NOTIFYs with the referred call's
 * progress) or by Kefu's API. Phones transfer blind, or attended: after consulting someone in a
 * call of its own through Kefu, the phone REFERs its caller with Replaces naming that consult
 * dialog (RFC 3891, RFC 5589 §7), and the caller is bridged to whom it consulted.
 */
import type { Dialog, ReferRequest, SipLog } from '../sip/index.js';
import { numberOf } from './called-party.js';
import type { Connection, TransferResult } from './connection.js';
import { TransferStateError } from './connection.js';
import type { Answered } from './attempt.js';

export type TransferMode = 'blind' | 'attended';

export class Transfers {
  readonly #connections = new Set<Connection>();

  constructor(private readonly log: SipLog) {}

  /** The Dialler's report: `connection` now has `party`, or has ended (undefined). */
  connected(connection: Connection, party: Answered | undefined): void {
    if (party === undefined) this.#connections.delete(connection);
    else this.#connections.add(connection);
  }

  /** The connection of the caller whose leg has this Call-ID. */
  of(sipCallId: string): Connection | undefined {
    return [...this.#connections].find((c) => c.leg.sipCallId === sipCallId);
  }

  /** A REFER on a dialog Kefu placed to a party: the party's phone transfers the caller. */
  onRefer(dialog: Dialog, refer: ReferRequest): void {
    const connection = [...this.#connections].find((c) => c.party?.dialog === dialog);
    const replaces = refer.referTo.replaces;
    if (connection !== undefined && replaces !== undefined) return this.replace(connection, replaces.callId, refer);
    const target = numberOf(refer.referTo.target.uri);
    if (connection === undefined || target === undefined) {
      // RFC 3515 §2.4.5: the final NOTIFY says the referred request could not be made.
      void refer.notify(connection === undefined ? 603 : 404);
      return;
    }
    this.log.info({ callId: connection.leg.sipCallId, target }, 'the phone transfers the caller');
    connection.blind(target, (status) => void refer.notify(status)).catch((error: unknown) => {
      this.log.warn({ callId: connection.leg.sipCallId, err: String(error) }, 'transfer failed');
      void refer.notify(error instanceof TransferStateError ? 491 : 500);
    });
  }

  /**
   * The consult call is the phone's own call through Kefu (its leg has the Call-ID Replaces
   * names); its far party takes the caller, and the consult call ends as a replaced dialog does
   * (RFC 3891 §3). Any other dialog is not one Kefu can join the caller to: 481, as §3 answers.
   */
  private replace(connection: Connection, callId: string, refer: ReferRequest): void {
    const consult = this.of(callId);
    if (consult === undefined || consult === connection) {
      void refer.notify(481);
      return;
    }
    this.log.info({ callId: connection.leg.sipCallId, consult: callId }, 'the phone transfers the caller to whom it consulted');
    connection
      .adopt(consult, (status) => void refer.notify(status))
      .then(() => consult.leg.hangup('normal_clearing', 'kefu'))
      .catch((error: unknown) => {
        this.log.warn({ callId: connection.leg.sipCallId, err: String(error) }, 'attended transfer failed');
        void refer.notify(error instanceof TransferStateError ? 491 : 500);
      });
  }

  /** Kefu's own transfer of a connected caller; attended puts the caller on hold while the party consults. */
  async transfer(sipCallId: string, target: string, mode: TransferMode): Promise<TransferResult> {
    const connection = this.require(sipCallId);
    return mode === 'blind' ? connection.blind(target) : connection.consult(target);
  }

  /** Releases the party of a connected caller, who stays on the line for the application. */
  async detach(sipCallId: string): Promise<void> {
    await this.require(sipCallId).detach();
  }

  async complete(sipCallId: string): Promise<void> {
    await this.require(sipCallId).complete();
  }

  async cancel(sipCallId: string): Promise<void> {
    await this.require(sipCallId).cancel();
  }

  private require(sipCallId: string): Connection {
    const connection = this.of(sipCallId);
    if (connection === undefined) throw new TransferStateError('the call is not connected to anyone it could be transferred from');
    return connection;
  }
}
