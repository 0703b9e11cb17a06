/**
 * A supervisor's hand on an agent's call (FEATURES E2): listen, whisper or barge in from their
 * own phone, switching mode without ringing again, and force release; and an agent's conference
 * of three or more (D2). Each works on the connection between a caller and the agent a dial
 * reached: the parties Kefu rings join the call's mixer (CallMix).
 */
import type { MediaEngine } from '../media/index.js';
import { CallMix, type Member, type MixChange, type MonitorMode } from './call-mix.js';
import { CallStateError } from './call-control.js';
import type { Connection } from './connection.js';
import type { HangupCause } from './hangup-cause.js';

export type MonitorResult = { monitoring: true; mode: MonitorMode; rang: boolean } | { monitoring: false; cause: HangupCause };

export type ConferenceResult = { joined: true; parties: number } | { joined: false; cause: HangupCause };

export interface SupervisionOptions {
  engine: MediaEngine;
  /** The connection of `owner`'s caller with this Call-ID; undefined when there is no such call. */
  connectionOf(owner: string, sipCallId: string): Connection | 'not-connected' | undefined;
  /** Why no one can be mixed into the call now (its agent holds or mutes it), if so. */
  blocked(connection: Connection): string | undefined;
}

/** Force release: ITU-T Q.850 cause 8, preemption — the call was taken down on purpose. */
const RELEASE_CAUSE: HangupCause = 'preemption';

export class Supervision {
  readonly #mixes = new WeakMap<Connection, CallMix>();
  /** Calls with a party ringing for them right now (one at a time). */
  readonly #ringing = new Set<Connection>();
  readonly #listeners = new Set<(owner: string, change: MixChange) => void>();

  constructor(private readonly options: SupervisionOptions) {}

  /** Tells `listener` of every change (monitoring started, changed, ended; conference parties); returns its removal. */
  onChange(listener: (owner: string, change: MixChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts monitoring from `phone` (rung like an agent; the call waits for its answer), or changes
   * the mode of the monitoring already there. Undefined when `owner` has no such call.
   */
  async monitor(owner: string, sipCallId: string, request: { mode: MonitorMode; phone: string; by: string }): Promise<MonitorResult | undefined> {
    const connection = this.mixable(owner, sipCallId);
    if (connection === undefined) return undefined;
    const mix = this.mixOf(owner, connection);
    const current = this.supervisorOf(mix);
    if (current !== undefined) {
      await mix.setMode(current, request.mode);
      return { monitoring: true, mode: request.mode, rang: false };
    }
    const answered = await this.ring(connection, request.phone);
    if ('cause' in answered) return { monitoring: false, cause: answered.cause };
    await this.join(connection, mix, { party: answered, target: request.phone, role: { kind: 'supervisor', mode: request.mode, by: request.by } });
    return { monitoring: true, mode: request.mode, rang: true };
  }

  /** Changes how the supervisor monitoring the call takes part; false when `owner` has no such call. */
  async changeMode(owner: string, sipCallId: string, mode: MonitorMode): Promise<boolean> {
    const monitored = this.monitored(owner, sipCallId);
    if (monitored === undefined) return false;
    await monitored.mix.setMode(monitored.supervisor, mode);
    return true;
  }

  /** Ends the monitoring of a call: the supervisor's phone is hung up. False when `owner` has no such call. */
  async stopMonitoring(owner: string, sipCallId: string): Promise<boolean> {
    const monitored = this.monitored(owner, sipCallId);
    if (monitored === undefined) return false;
    await monitored.mix.release(monitored.supervisor, 'normal_clearing', 'kefu');
    return true;
  }

  private monitored(owner: string, sipCallId: string): { mix: CallMix; supervisor: Member } | undefined {
    const connection = this.connected(owner, sipCallId);
    if (connection === undefined) return undefined;
    const mix = this.#mixes.get(connection);
    const supervisor = mix === undefined ? undefined : this.supervisorOf(mix);
    if (mix === undefined || supervisor === undefined) throw new CallStateError('nobody monitors this call');
    return { mix, supervisor };
  }

  /** Rings `to` and, on answer, mixes it into the call with the caller and the agent. */
  async conference(owner: string, sipCallId: string, to: string, agentId: string | undefined): Promise<ConferenceResult | undefined> {
    const connection = this.mixable(owner, sipCallId);
    if (connection === undefined) return undefined;
    const mix = this.mixOf(owner, connection);
    const answered = await this.ring(connection, to);
    if ('cause' in answered) return { joined: false, cause: answered.cause };
    await this.join(connection, mix, { party: answered, target: to, role: { kind: 'conference', agentId } });
    return { joined: true, parties: mix.talkers };
  }

  /**
   * Force release: the caller and the agent (and anyone mixed in) are hung up with the cause
   * preemption; the agent's routing goes on to wrap-up as after any call.
   */
  async release(owner: string, sipCallId: string): Promise<boolean> {
    const connection = this.connected(owner, sipCallId);
    if (connection === undefined) return false;
    // Everyone mixed in goes too: a conference does not outlive a force release.
    await this.#mixes.get(connection)?.end();
    await connection.leg.hangup(RELEASE_CAUSE, 'kefu');
    return true;
  }

  /** The agent this call is connected to: the extension or number the party was rung at. */
  partyOf(owner: string, sipCallId: string): string | undefined {
    const connection = this.options.connectionOf(owner, sipCallId);
    return typeof connection === 'object' ? connection.party?.attempt.leg.start.target : undefined;
  }

  private connected(owner: string, sipCallId: string): Connection | undefined {
    const connection = this.options.connectionOf(owner, sipCallId);
    if (connection === 'not-connected' || connection?.party === undefined) {
      if (connection === undefined) return undefined;
      throw new CallStateError('the call is not connected to an agent');
    }
    if (connection.transferring) throw new CallStateError('a transfer of this call is under way');
    return connection;
  }

  /** A connected call no one holds or mutes: one a party can be mixed into. */
  private mixable(owner: string, sipCallId: string): Connection | undefined {
    const connection = this.connected(owner, sipCallId);
    const blocked = connection === undefined ? undefined : this.options.blocked(connection);
    if (blocked !== undefined) throw new CallStateError(blocked);
    return connection;
  }

  private async ring(connection: Connection, target: string): ReturnType<Connection['ring']> {
    if (this.#ringing.has(connection)) throw new CallStateError('another party is being rung for this call');
    this.#ringing.add(connection);
    try {
      return await connection.ring(target, 'callee');
    } finally {
      this.#ringing.delete(connection);
    }
  }

  /** Mixes in a party that answered, unless the call moved on while it rang: then it is let go. */
  private async join(connection: Connection, mix: CallMix, member: Member): Promise<void> {
    if (connection.leg.hungUp || connection.party === undefined || connection.transferring) {
      member.party.attempt.leg.end('normal_clearing', 'kefu');
      await member.party.dialog.bye().catch(() => undefined);
      await this.options.engine.destroy(member.party.attempt.session).catch(() => null);
      throw new CallStateError('the call ended or moved on while the party rang');
    }
    await mix.add(member);
  }

  private mixOf(owner: string, connection: Connection): CallMix {
    let mix = this.#mixes.get(connection);
    if (mix === undefined) {
      mix = new CallMix(connection, this.options.engine, (change) => this.#listeners.forEach((listener) => listener(owner, change)));
      this.#mixes.set(connection, mix);
    }
    return mix;
  }

  private supervisorOf(mix: CallMix): Member | undefined {
    return [...mix.members].find((m) => m.role.kind === 'supervisor');
  }
}
