/**
 * The callers connected to a party right now, and the transfers asked of them: by the party's
 * phone with a REFER (RFC 3515 §2.4: answered 202, then NOTIFYs with the referred call's
 * progress) or by Kefu's API. Phones can transfer blind; a REFER with Replaces (an attended
 * transfer between two of a phone's own calls, RFC 3891) is refused with a final 501 NOTIFY.
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
    const target = numberOf(refer.referTo.target.uri);
    if (connection === undefined || target === undefined || refer.referTo.replaces !== undefined) {
      // RFC 3515 §2.4.5: the final NOTIFY says the referred request could not be made.
      void refer.notify(refer.referTo.replaces !== undefined ? 501 : connection === undefined ? 603 : 404);
      return;
    }
    this.log.info({ callId: connection.leg.sipCallId, target }, 'the phone transfers the caller');
    connection.blind(target, (status) => void refer.notify(status)).catch((error: unknown) => {
      this.log.warn({ callId: connection.leg.sipCallId, err: String(error) }, 'transfer failed');
      void refer.notify(error instanceof TransferStateError ? 491 : 500);
    });
  }

  /** Kefu's own transfer of a connected caller; attended puts the caller on hold while the party consults. */
  async transfer(sipCallId: string, target: string, mode: TransferMode): Promise<TransferResult> {
    const connection = this.require(sipCallId);
    return mode === 'blind' ? connection.blind(target) : connection.consult(target);
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
