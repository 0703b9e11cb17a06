/**
 * The callers connected to a party right now, and the transfers asked of them: by the party's
 * phone with a REFER (RFC 3515 §2.4: answered 202, then NOTIFYs with the referred call's
 * progress) or by Kefu's API. Phones transfer blind, or attended: after consulting someone in a
 * call of its own through Kefu, the phone REFERs its caller with Replaces naming that consult
 * dialog (RFC 3891, RFC 5589 §7), and the caller is bridged to whom it consulted.
 */
import { Fault, isSipUri, parseNameAddr, type Dialog, type ReferRequest, type Replaces, type SipLog } from '../sip/index.js';
import { numberOf } from './called-party.js';
import type { Connection, TransferResult } from './connection.js';
import { TransferStateError } from './connection.js';
import type { Answered } from './attempt.js';
import type { LegDialog } from './leg.js';

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

  /** The connection whose party is on `dialog` (a dialog Kefu placed), if any. */
  ofParty(dialog: Dialog): Connection | undefined {
    return [...this.#connections].find((c) => c.party?.dialog === dialog);
  }

  /** A REFER on a dialog Kefu placed to a party: the party's phone transfers the caller. */
  onRefer(dialog: Dialog, refer: ReferRequest): void {
    const connection = this.ofParty(dialog);
    const replaces = refer.referTo.replaces;
    if (connection !== undefined && replaces !== undefined) return this.replace(connection, replaces, refer);
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
   * The consult call is the phone's own call through Kefu: its leg's dialog is the one Replaces
   * names, matched as a UAS matches it (RFC 3891 §3: the to-tag against Kefu's tag, the from-tag
   * against the phone's), and the same phone placed it. Its far party takes the caller, and the
   * consult call ends as a replaced dialog does. No such dialog: 481, as §3 answers; one placed
   * by another phone: 403, as §3 refuses a replacement the requester may not make.
   */
  private replace(connection: Connection, replaces: Replaces, refer: ReferRequest): void {
    const consult = [...this.#connections].find((c) => c !== connection && names(replaces, c.leg.dialog));
    if (consult === undefined) {
      void refer.notify(481);
      return;
    }
    if (!samePhone(connection.party?.dialog.remoteParty, consult.leg.dialog.remoteParty)) {
      this.log.warn({ callId: connection.leg.sipCallId, consult: replaces.callId }, 'a phone named a call of another phone in its transfer');
      void refer.notify(403);
      return;
    }
    this.log.info({ callId: connection.leg.sipCallId, consult: replaces.callId }, 'the phone transfers the caller to whom it consulted');
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

/** RFC 3891 §3: Replaces names `dialog` when the Call-ID and both tags match, seen from Kefu's side. */
function names(replaces: Replaces, dialog: LegDialog): boolean {
  return replaces.callId === dialog.callId && replaces.toTag === dialog.localTag && replaces.fromTag === dialog.remoteTag;
}

/** Whether two parties are the same phone: the same user (the extension) in their addresses. */
function samePhone(party: string | undefined, caller: string): boolean {
  if (party === undefined) return false;
  const [a, b] = [parseNameAddr(party), parseNameAddr(caller)];
  if (a instanceof Fault || b instanceof Fault || !isSipUri(a.uri) || !isSipUri(b.uri)) return false;
  return a.uri.user !== undefined && a.uri.user === b.uri.user;
}
