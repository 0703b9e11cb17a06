/**
 * A caller connected to a party Kefu dialled, for as long as either stays: the bridge between the
 * caller's leg and the party's session, and the transfers that move the caller on. A blind
 * transfer (the party's phone sends REFER, RFC 3515, or Kefu is asked through the API) rings the
 * new target while the caller hears ringback, bridges the caller to it and lets the old party go;
 * an attended one (Kefu-initiated) holds the caller with music, connects the party to the target
 * to consult, then either completes (caller ↔ target) or is cancelled (caller back to the party).
 * A phone's own attended transfer (REFER with Replaces, RFC 3891) hands the party of its consult
 * call over to the connection of the caller it transfers.
 */
import type { MediaEngine } from '../media/index.js';
import type { Answered, NotAnswered } from './attempt.js';
import { reasonHeader, statusOfCause, type HangupCause, type HangupSide } from './hangup-cause.js';
import { KefuError } from '../errors.js';
import type { Leg } from './leg.js';
import type { LegRole } from './call.js';
import type { CallTransfer } from './voice-channel.js';

/** What a transfer can't do now: nothing connected, or another transfer under way. */
export class TransferStateError extends KefuError {
  readonly code = 'ERR_TRANSFER_STATE';
}

export interface ConnectionOptions {
  engine: MediaEngine;
  /** Rings a target for this call (as a `transfer` leg unless `role` says otherwise), near the caller's session. */
  ring(target: string, caller: Leg | undefined, role?: LegRole): Promise<Answered | NotAnswered>;
  /** Resolves when the far end of `dialog` hangs up, with why. */
  gone(party: Answered): Promise<{ cause: HangupCause; by: HangupSide }>;
  /** Told whenever the connected party changes, so that REFERs on its dialog find this connection. */
  onParty(connection: Connection, party: Answered | undefined): void;
  /** Moves a party's media to the worker of `session` (a re-INVITE to a new port) unless it is there. */
  moveNear(party: Answered, session: string): Promise<void>;
  /**
   * Rings `target` again, asking its phone to answer by itself, as soon as it has a phone
   * registered and within `withinMs`: a party whose page reloads comes back this way.
   */
  recall(target: string, withinMs: number): Promise<Answered | NotAnswered>;
  /** Told when a transfer connected the caller to a new party. */
  transferred?(transfer: CallTransfer): void;
}

/**
 * Parties mixed in beside the caller and the party (a supervisor, conference members): asked
 * who takes the place of a party that left, told when the caller left or the connection ends.
 */
export interface ConnectionMix {
  /** The party hung up: a member who takes its place (the caller stays with them), if any. */
  partyLeft(party: Answered): Promise<Answered | undefined>;
  /** The caller hung up: resolves when the others are done talking among themselves. */
  callerLeft(party: Answered): Promise<void>;
  /** The connection is over: every member released. */
  end(): Promise<void>;
  /** The party's phone came back as `next` (its page reloaded): `next` takes its place in the mix. */
  partyBack(party: Answered, next: Answered): Promise<void>;
  /** Someone besides the caller and the party talks in the mix (not only supervisors listening). */
  readonly conference: boolean;
}

export type TransferResult = { transferred: true; target: string } | { transferred: false; cause: HangupCause; status: number };

export class Connection {
  #party: Answered | undefined;
  #consult: { target: string; party: Answered } | undefined;
  #busy = false;
  /** The party went to another connection: this one ends without releasing it. */
  #handedOver = false;
  /** Wakes the connection's loop when the party changed. */
  #changed: () => void = () => undefined;
  /** Others mixed into the call, while there are any; the caller and party are then not bridged. */
  mix: ConnectionMix | undefined;

  constructor(
    readonly leg: Leg,
    party: Answered,
    private readonly options: ConnectionOptions,
  ) {
    this.#party = party;
  }

  get party(): Answered | undefined {
    return this.#party;
  }

  /** Whether a transfer of the call is under way. */
  get transferring(): boolean {
    return this.#busy || this.#consult !== undefined;
  }

  /** No transfer is ringing or consulting: the caller is bridged to the party (or held by the API). */
  get settled(): boolean {
    return !this.transferring;
  }

  /** Rings `target` for this call near the caller's media, without ringback to the caller. */
  ring(target: string, role: LegRole): Promise<Answered | NotAnswered> {
    return this.options.ring(target, undefined, role);
  }

  /** Resolves when a party Kefu placed for this call hangs up, with why. */
  gone(party: Answered): Promise<{ cause: HangupCause; by: HangupSide }> {
    return this.options.gone(party);
  }

  /** Bridges the caller to the party and follows transfers until the caller or the last party leaves. */
  async run(): Promise<void> {
    this.options.onParty(this, this.#party);
    await this.leg.bridge(this.#party!.attempt.session);
    // A caller gone while the bridge was made is seen in the first turn, and the party released.
    while (this.#party !== undefined) {
      const party = this.#party;
      const changed = new Promise<'changed'>((resolve) => (this.#changed = () => resolve('changed')));
      const outcome = await Promise.race([this.options.gone(party), this.leg.ended, changed]);
      if (outcome === 'changed' || this.#handedOver) continue;
      if (this.leg.hungUp) {
        await this.mix?.callerLeft(party);
        await this.release(party, outcome.cause, outcome.by);
        break;
      }
      party.attempt.leg.end(outcome.cause, outcome.by);
      // Not waited for: the agent is free to be offered the next caller as the party leaves, and
      // the worker runs any later command for the caller's session after this one.
      void this.options.engine.destroy(party.attempt.session).catch(() => null);
      // A party that hangs up while its blind transfer rings leaves the caller to the transfer.
      if (this.#party === party && !this.#busy) this.#party = await this.successor(party);
      else if (this.#party === party) await new Promise<void>((resolve) => (this.#changed = resolve));
    }
    await this.mix?.end();
    if (this.#consult !== undefined) await this.release(this.#consult.party, 'normal_clearing', this.leg.hungUp ? 'caller' : 'kefu');
    // Not waited for either: the worker runs what comes next for the caller after it.
    void this.leg.unbridge();
    this.options.onParty(this, undefined);
  }

  /**
   * Blind transfer: rings `target`; on answer the caller is bridged to it and the old party
   * released; otherwise the caller goes back to the old party if it is still there.
   * `progress` reports to a REFER's subscription (RFC 3515 §2.4.5).
   */
  async blind(target: string, progress: (status: number) => void = () => undefined): Promise<TransferResult> {
    if (this.#busy || this.#consult !== undefined) throw new TransferStateError('a transfer of this call is already under way');
    if (this.mix !== undefined) throw new TransferStateError('the call is monitored or in a conference');
    const old = this.#party;
    if (old === undefined) throw new TransferStateError('the call is not connected to anyone');
    this.#busy = true;
    try {
      await this.leg.unbridge();
      const answered = await this.options.ring(target, this.leg);
      if (!('dialog' in answered)) {
        const status = statusOfCause(answered.cause);
        progress(status);
        if (this.#party === old && !old.attempt.leg.ended && !this.leg.hungUp) await this.leg.bridge(old.attempt.session);
        else this.#party = undefined;
        return { transferred: false, cause: answered.cause, status };
      }
      progress(200);
      await this.swap(answered);
      if (!old.attempt.leg.ended) await this.release(old, 'normal_clearing', 'kefu');
      this.options.transferred?.({ to: target, mode: 'blind' });
      return { transferred: true, target };
    } finally {
      this.#busy = false;
      this.#changed();
    }
  }

  /** Attended transfer, first half: the caller hears hold music while the party talks to `target`. */
  async consult(target: string): Promise<TransferResult> {
    const party = this.#party;
    if (this.#busy || this.#consult !== undefined) throw new TransferStateError('a transfer of this call is already under way');
    if (this.mix !== undefined) throw new TransferStateError('the call is monitored or in a conference');
    if (party === undefined) throw new TransferStateError('the call is not connected to anyone');
    this.#busy = true;
    try {
      await this.leg.unbridge();
      await this.leg.startTone('hold');
      const answered = await this.options.ring(target, undefined);
      if (!('dialog' in answered)) {
        await this.leg.stopTone();
        if (!this.leg.hungUp && !party.attempt.leg.ended) await this.leg.bridge(party.attempt.session);
        return { transferred: false, cause: answered.cause, status: statusOfCause(answered.cause) };
      }
      this.#consult = { target, party: answered };
      await this.options.engine.bridge(party.attempt.session, answered.attempt.session);
      return { transferred: true, target };
    } finally {
      this.#busy = false;
    }
  }

  /** Attended transfer, second half: the caller to the consulted target, the party released. */
  async complete(): Promise<void> {
    const consult = this.#consult;
    const old = this.#party;
    if (consult === undefined || old === undefined) throw new TransferStateError('no consultation to complete');
    this.#consult = undefined;
    await this.options.engine.unbridge(old.attempt.session).catch(() => null);
    await this.leg.stopTone();
    await this.swap(consult.party);
    await this.release(old, 'normal_clearing', 'kefu');
    this.options.transferred?.({ to: consult.target, mode: 'consult' });
    this.#changed();
  }

  /** Attended transfer abandoned: the target released, the caller back with the party. */
  async cancel(): Promise<void> {
    const consult = this.#consult;
    const party = this.#party;
    if (consult === undefined || party === undefined) throw new TransferStateError('no consultation to cancel');
    this.#consult = undefined;
    await this.options.engine.unbridge(party.attempt.session).catch(() => null);
    await this.release(consult.party, 'normal_clearing', 'kefu');
    await this.leg.stopTone();
    await this.leg.bridge(party.attempt.session);
  }

  /**
   * The party is released and the connection ends, the caller staying on the line for the
   * application to serve on (put back in a queue, handed to a flow).
   */
  async detach(): Promise<void> {
    const party = this.#party;
    if (this.#busy || this.#consult !== undefined) throw new TransferStateError('a transfer of this call is already under way');
    if (this.mix !== undefined) throw new TransferStateError('the call is monitored or in a conference');
    if (party === undefined || this.leg.hungUp) throw new TransferStateError('the call is not connected to anyone');
    this.#party = undefined;
    await this.leg.unbridge();
    await this.release(party, 'normal_clearing', 'kefu');
    this.#changed();
  }

  /**
   * A phone's attended transfer (REFER with Replaces, RFC 3891 §3): the party of `consult` (the
   * call the phone made to consult) becomes this caller's party; the old party is released after
   * `progress(200)`, and `consult` ends without its party. Nothing changes when it fails.
   */
  async adopt(consult: Connection, progress: (status: number) => void): Promise<void> {
    const old = this.#party;
    const party = consult.#party;
    if (this.#busy || this.#consult !== undefined || consult.#busy || consult.#consult !== undefined) {
      throw new TransferStateError('a transfer of this call is already under way');
    }
    if (old === undefined || party === undefined || consult === this || consult.leg.hungUp) throw new TransferStateError('the call is not connected to anyone');
    if (this.mix !== undefined || consult.mix !== undefined) throw new TransferStateError('the call is monitored or in a conference');
    this.#busy = true;
    try {
      await this.options.moveNear(party, this.leg.session);
      consult.#handedOver = true;
      consult.#party = undefined;
      consult.#changed();
      await consult.leg.unbridge();
      await this.leg.unbridge();
      await this.swap(party);
      progress(200);
      if (!old.attempt.leg.ended) await this.release(old, 'normal_clearing', 'kefu');
      this.options.transferred?.({ to: party.attempt.leg.start.target ?? '', mode: 'consult' });
    } finally {
      this.#busy = false;
      this.#changed();
    }
  }

  /**
   * The party's phone lost its connection, a browser page reloading (RFC 7118 §5: nothing
   * reaches it now): its target is rung again as soon as it registers, within `withinMs`, and the
   * phone that answers takes the old one's place where the old one was — with the caller (who
   * hears hold music meanwhile), still apart from a caller it holds (`held`), talking with the
   * colleague it consults (the caller on hold music throughout), or in the conference's mixer
   * (the others talking on meanwhile). Otherwise the old party is released: a consultation then
   * completes (the caller goes to the colleague consulted), a conference goes on with its members,
   * and a plain call goes on as when a party hangs up. False (and nothing changes) while a
   * transfer rings.
   */
  async reattach(party: Answered, withinMs: number, held = false): Promise<boolean> {
    const target = party.attempt.leg.start.target;
    if (this.#party !== party || this.#busy || target === undefined) return false;
    // The caller is with the party only on a plain call; else they stay as they are while it comes back.
    const apart = held || this.#consult !== undefined || this.mix !== undefined;
    this.#busy = true;
    try {
      if (!apart) {
        await this.leg.unbridge();
        await this.leg.startTone('hold');
      }
      const answered = await this.options.recall(target, withinMs);
      if (!apart) await this.leg.stopTone();
      if (!('dialog' in answered) || this.leg.hungUp || this.#party !== party) {
        if ('dialog' in answered) void this.release(answered, 'normal_clearing', 'kefu');
        await this.lost(party);
        return false;
      }
      this.#party = answered;
      this.options.onParty(this, answered);
      const consult = this.#consult;
      if (consult !== undefined) {
        await this.options.engine.unbridge(consult.party.attempt.session).catch(() => null);
        await this.options.engine.bridge(answered.attempt.session, consult.party.attempt.session);
      } else if (this.mix !== undefined) await this.mix.partyBack(party, answered);
      else if (!held) await this.leg.bridge(answered.attempt.session);
      // The old phone is unreachable: its BYE fails at once (no connection), its session is closed.
      void this.release(party, 'normal_clearing', 'kefu');
      return true;
    } finally {
      this.#busy = false;
      this.#changed();
    }
  }

  /** A party whose phone did not come back: the consulted colleague or a conference member takes its place, or nobody. */
  private async lost(party: Answered): Promise<void> {
    if (this.#party !== party) return void this.release(party, 'recovery_on_timer_expire', 'network');
    if (this.#consult !== undefined && !this.leg.hungUp) {
      await this.complete();
      return;
    }
    this.#party = this.mix === undefined ? undefined : await this.successor(party);
    void this.release(party, 'recovery_on_timer_expire', 'network');
  }

  /** The colleague the party consults now (an attended transfer's first half), if any. */
  get consulting(): string | undefined {
    return this.#consult?.target;
  }

  /** Who stays with the caller when the party left: a conference member, or nobody. */
  private async successor(party: Answered): Promise<Answered | undefined> {
    const next = await this.mix?.partyLeft(party);
    if (next !== undefined) this.options.onParty(this, next);
    return next;
  }

  private async swap(party: Answered): Promise<void> {
    this.#party = party;
    this.options.onParty(this, party);
    await this.leg.bridge(party.attempt.session);
  }

  /** Ends a party's leg from Kefu's side: BYE with the cause, its session closed. */
  private async release(party: Answered, cause: HangupCause, by: HangupSide): Promise<void> {
    if (!party.attempt.leg.ended) party.attempt.leg.end(cause, by);
    await party.dialog.bye({ headers: [reasonHeader(cause)] }).catch(() => undefined);
    await this.options.engine.destroy(party.attempt.session).catch(() => null);
  }
}
