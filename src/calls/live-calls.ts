/**
 * What an owner (a tenant) sees and does with its calls in progress: the list with who each is
 * connected to, hold, mute, keys, hang up, transfer. Each asks first whether the owner has the
 * call; the calls themselves are the CallService's. And the node's own: every call ended as it stops.
 */
import type { DtmfDigit } from '../media/index.js';
import type { CalledParty } from './called-party.js';
import { CallStateError, type CallControl, type CallControlAction, type CallControlState } from './call-control.js';
import type { Connection, TransferResult } from './connection.js';
import type { HangupCause } from './hangup-cause.js';
import type { LiveCall } from './inbound.js';
import type { Leg } from './leg.js';
import type { TransferMode, Transfers } from './transfers.js';

/** A call in progress as these controls see it. */
export interface LiveEntry {
  owner: string | undefined;
  direction: 'inbound' | 'outbound';
  party: CalledParty;
  startedAt: Date;
  /** Set once the call is answered. */
  leg?: Leg;
}

export class LiveCalls {
  constructor(
    private readonly calls: () => Iterable<LiveEntry>,
    private readonly transfers: Transfers,
    private readonly controls: CallControl,
  ) {}

  /** The calls of `owner` in progress. */
  list(owner: string): LiveCall[] {
    return [...this.calls()]
      .filter((call) => call.owner === owner)
      .map((call) => ({
        sipCallId: call.leg?.sipCallId ?? '',
        direction: call.direction,
        caller: call.party.caller,
        called: call.party.dialled,
        startedAt: call.startedAt,
        answered: call.leg !== undefined,
        ...this.connectedState(call.leg?.sipCallId),
      }))
      .filter((call) => call.answered);
  }

  private connectedState(sipCallId: string | undefined): Pick<LiveCall, 'party' | 'held' | 'muted' | 'consulting' | 'conference'> {
    const connection = sipCallId === undefined ? undefined : this.transfers.of(sipCallId);
    const party = connection?.party?.attempt.leg.start.target ?? null;
    const control = connection === undefined ? { held: false, muted: false } : this.controls.state(connection);
    return { party, ...control, consulting: connection?.consulting ?? null, conference: connection?.mix?.conference ?? false };
  }

  /**
   * Who is on a call of `owner` (undefined: no such call): the extension or number its caller is
   * connected to now (null: nobody), and for a call Kefu placed, the extension it rang first
   * (an agent's click to call).
   */
  partiesOf(owner: string, sipCallId: string): { party: string | null; placedTo: string | null } | undefined {
    const call = this.#find(owner, sipCallId);
    if (call === undefined) return undefined;
    return { party: this.connectedState(sipCallId).party, placedTo: call.direction === 'outbound' ? (call.party.dialled ?? null) : null };
  }

  /** Holds, resumes, mutes or unmutes a connected caller of `owner`; undefined when it has no such call. */
  async control(owner: string, sipCallId: string, action: CallControlAction): Promise<CallControlState | undefined> {
    if (!this.owns(owner, sipCallId)) return undefined;
    return this.controls.apply(this.connection(sipCallId), action);
  }

  /** Sends keys to a connected caller of `owner` (RFC 4733); false when it has no such call. */
  async sendDigits(owner: string, sipCallId: string, digits: readonly DtmfDigit[]): Promise<boolean> {
    if (!this.owns(owner, sipCallId)) return false;
    await this.controls.sendDigits(this.connection(sipCallId), digits);
    return true;
  }

  private connection(sipCallId: string): Connection {
    const connection = this.transfers.of(sipCallId);
    if (connection === undefined) throw new CallStateError('the call is not connected to anyone');
    return connection;
  }

  /** Hangs up a call of `owner`; false when it has no such call. */
  async hangup(owner: string, sipCallId: string): Promise<boolean> {
    const call = this.#find(owner, sipCallId);
    if (call?.leg === undefined) return false;
    await call.leg.hangup('normal_clearing', 'kefu');
    return true;
  }

  /**
   * Transfers a caller of `owner` who is connected to a party (an agent a dial reached): blind,
   * or attended (the caller on hold while the party consults the target; then complete or cancel).
   * Undefined when `owner` has no such call.
   */
  async transfer(owner: string, sipCallId: string, target: string, mode: TransferMode): Promise<TransferResult | undefined> {
    if (!this.owns(owner, sipCallId)) return undefined;
    const connection = this.transfers.of(sipCallId);
    if (connection !== undefined) this.controls.requireBridged(connection);
    return this.transfers.transfer(sipCallId, target, mode);
  }

  /**
   * Ends an attended transfer (`complete` joins caller and target, `cancel` takes the caller
   * back), or releases the party (`detach`: the caller stays on the line, for the application
   * that connected them to serve on). False when `owner` has no such call.
   */
  async finishTransfer(owner: string, sipCallId: string, how: 'complete' | 'cancel' | 'detach'): Promise<boolean> {
    if (!this.owns(owner, sipCallId)) return false;
    const connection = this.transfers.of(sipCallId);
    if (how === 'detach' && connection !== undefined) this.controls.requireBridged(connection);
    await (how === 'complete' ? this.transfers.complete(sipCallId) : how === 'cancel' ? this.transfers.cancel(sipCallId) : this.transfers.detach(sipCallId));
    return true;
  }

  /**
   * An orderly stop: every answered call, whoever owns it, hangs up with `cause` (its recording
   * closed first, then a BYE with the cause in Reason, RFC 3326), so no caller is left listening
   * to a node that has gone. Resolves with how many, once every BYE is answered or after `withinMs`.
   */
  async endAll(cause: HangupCause, withinMs: number): Promise<number> {
    const legs = [...this.calls()].flatMap((call) => (call.leg === undefined ? [] : [call.leg]));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    await Promise.race([Promise.all(legs.map((leg) => leg.hangup(cause, 'kefu'))), deadline]);
    clearTimeout(timer);
    return legs.length;
  }

  /** Whether `owner` has the call `sipCallId` in progress. */
  owns(owner: string, sipCallId: string): boolean {
    return this.#find(owner, sipCallId) !== undefined;
  }

  #find(owner: string, sipCallId: string): LiveEntry | undefined {
    for (const call of this.calls()) if (call.owner === owner && call.leg?.sipCallId === sipCallId) return call;
    return undefined;
  }
}
