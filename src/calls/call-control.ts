/**
 * An agent's hands on a connected call (FEATURES D2): hold and resume, mute and unmute, keys
 * sent to the caller. Hold re-INVITEs the caller with our audio `sendonly` (RFC 3264 §8.4) and
 * plays hold music to them while the agent hears nothing; resume re-offers `sendrecv` and
 * bridges them again. Mute puts caller and agent in a mixer of their own where the agent is
 * `muted`: the agent still hears the caller, the caller no longer hears the agent. Keys go to
 * the caller as RFC 4733 telephone-events, e.g. to an IVR the agent called.
 */
import type { DtmfDigit, MediaEngine } from '../media/index.js';
import { KefuError } from '../errors.js';
import type { Connection } from './connection.js';

/** The call is not in a state for that operation (already held, not muted, transferring, not connected to an agent, a party ringing …). */
export class CallStateError extends KefuError {
  readonly code = 'ERR_CALL_STATE';
}

export interface CallControlState {
  held: boolean;
  muted: boolean;
}

export type CallControlAction = 'hold' | 'resume' | 'mute' | 'unmute';

export class CallControl {
  readonly #states = new WeakMap<Connection, CallControlState>();

  constructor(private readonly engine: MediaEngine) {}

  /** Where the connection stands: neither held nor muted until asked. */
  state(connection: Connection): CallControlState {
    return { ...(this.#states.get(connection) ?? { held: false, muted: false }) };
  }

  /** The connection ended (the agent hung up): the caller leaves the mute mixer and the hold music. */
  async release(connection: Connection): Promise<void> {
    const state = this.#states.get(connection);
    this.#states.delete(connection);
    if (state?.muted === true) await this.engine.leaveMixer(connection.leg.session).catch(() => null);
    if (state?.held === true) await connection.leg.stopTone();
  }

  /** Refuses a transfer of a held or muted call: resume and unmute first, the bridge is not whole. */
  requireBridged(connection: Connection): void {
    const state = this.state(connection);
    if (state.held || state.muted) throw new CallStateError(`the call is ${state.held ? 'on hold' : 'muted'}: resume or unmute it first`);
  }

  async apply(connection: Connection, action: CallControlAction): Promise<CallControlState> {
    const party = connection.party;
    if (party === undefined || connection.leg.hungUp) throw new CallStateError('the call is not connected to anyone');
    if (!connection.settled) throw new CallStateError('a transfer of this call is under way');
    // Both use a mixer: one the agent's mute makes, one a supervisor or a conference does.
    if (connection.mix !== undefined) throw new CallStateError('the call is monitored or in a conference');
    const state = this.state(connection);
    const { leg } = connection;
    const agent = party.attempt.session;
    switch (action) {
      case 'hold': {
        if (state.held) throw new CallStateError('the call is already on hold');
        if (state.muted) await this.leaveMixer(leg.session, agent);
        else await leg.unbridge();
        await leg.startTone('hold');
        // RFC 3264 §8.4: a held stream is offered sendonly; music keeps flowing to the caller.
        if (!(await leg.reoffer('sendonly'))) {
          await leg.stopTone();
          await this.join(connection, state.muted);
          throw new CallStateError('the caller refused to be put on hold');
        }
        state.held = true;
        break;
      }
      case 'resume': {
        if (!state.held) throw new CallStateError('the call is not on hold');
        if (!(await leg.reoffer('sendrecv'))) throw new CallStateError('the caller refused to be resumed');
        await leg.stopTone();
        await this.join(connection, state.muted);
        state.held = false;
        break;
      }
      case 'mute':
      case 'unmute': {
        const muted = action === 'mute';
        if (state.muted === muted) throw new CallStateError(muted ? 'the call is already muted' : 'the call is not muted');
        // On hold nobody hears the agent anyway; the mute takes effect when the call resumes.
        if (!state.held) {
          if (!muted) await this.leaveMixer(leg.session, agent);
          await this.join(connection, muted);
        }
        state.muted = muted;
        break;
      }
    }
    this.#states.set(connection, state);
    return { ...state };
  }

  /** RFC 4733 §2.3 events to the caller's leg; refused while a transfer or hold has the caller elsewhere. */
  async sendDigits(connection: Connection, digits: readonly DtmfDigit[]): Promise<void> {
    if (connection.party === undefined || connection.leg.hungUp) throw new CallStateError('the call is not connected to anyone');
    if (!connection.settled || this.state(connection).held) throw new CallStateError('the caller is not on the line with the agent');
    try {
      await this.engine.sendDtmf(connection.leg.session, digits.join(''));
    } catch (error) {
      throw new CallStateError(`the caller's phone takes no telephone-events: ${String(error)}`);
    }
  }

  /** Caller and agent together again: bridged, or in their mixer with the agent muted. */
  private async join(connection: Connection, muted: boolean): Promise<void> {
    const party = connection.party;
    if (party === undefined) return;
    if (!muted) {
      await connection.leg.bridge(party.attempt.session);
      return;
    }
    await connection.leg.unbridge();
    const mixer = `mute:${connection.leg.sipCallId}`;
    await this.engine.joinMixer(connection.leg.session, mixer, { kind: 'talk' });
    await this.engine.joinMixer(party.attempt.session, mixer, { kind: 'muted' });
  }

  private async leaveMixer(caller: string, agent: string): Promise<void> {
    await this.engine.leaveMixer(caller).catch(() => null);
    await this.engine.leaveMixer(agent).catch(() => null);
  }
}
