/**
 * A connected call with more than two parties: the caller and the party (the agent) leave their
 * bridge for a mixer on the caller's media worker, and every further party Kefu rang for the call
 * joins it — a supervisor who listens, whispers to the agent or barges in, or a conference member
 * who talks with everyone. Nobody hears themselves (the mixer takes each one's own voice out).
 * When the last extra party leaves, the caller and the party go back to a plain bridge. A party
 * that leaves a conference hands its place beside the caller to a member; a caller who leaves
 * leaves the others talking for as long as the agent and one member remain.
 */
import { randomUUID } from 'node:crypto';
import type { MediaEngine, MixerMode } from '../media/index.js';
import type { Answered } from './attempt.js';
import type { Connection, ConnectionMix } from './connection.js';
import { reasonHeader, type HangupCause, type HangupSide } from './hangup-cause.js';

/** How a supervisor takes part: hears both and is heard by nobody, by the agent only, or by everyone. */
export type MonitorMode = 'listen' | 'whisper' | 'barge';

export type MemberRole = { kind: 'supervisor'; mode: MonitorMode; by: string } | { kind: 'conference'; agentId: string | undefined };

export interface Member {
  party: Answered;
  /** The extension or number rung. */
  target: string;
  role: MemberRole;
}

/** What changed in a call's mix, for the event stream. */
export type MixChange =
  | { kind: 'monitor'; sipCallId: string; supervisor: string; phone: string; mode: MonitorMode | null }
  | { kind: 'conference'; sipCallId: string; party: string; action: 'joined' | 'left'; parties: number; agentId: string | undefined };

export class CallMix implements ConnectionMix {
  readonly #id = `mix-${randomUUID()}`;
  readonly #members = new Set<Member>();
  /** Wakes whoever waits for the members to change (a caller who left waits for the others). */
  #changed: () => void = () => undefined;

  constructor(
    private readonly connection: Connection,
    private readonly engine: MediaEngine,
    private readonly notify: (change: MixChange) => void,
  ) {}

  get members(): ReadonlySet<Member> {
    return this.#members;
  }

  /** Everyone talking: the caller, the party, conference members (supervisors listening or whispering aside). */
  get talkers(): number {
    const conference = [...this.#members].filter((m) => m.role.kind === 'conference').length;
    return (this.connection.leg.hungUp ? 0 : 1) + (this.connection.party === undefined ? 0 : 1) + conference;
  }

  get conference(): boolean {
    return [...this.#members].some((m) => m.role.kind === 'conference');
  }

  /** Adds a party who answered; the first one moves the caller and the party from their bridge into the mixer. */
  async add(member: Member): Promise<void> {
    const { leg, party } = this.connection;
    if (this.connection.mix !== this) {
      this.connection.mix = this;
      await leg.unbridge();
      await this.engine.joinMixer(leg.session, this.#id, { kind: 'talk' });
      if (party !== undefined) await this.engine.joinMixer(party.attempt.session, this.#id, { kind: 'talk' });
    }
    this.#members.add(member);
    await this.engine.joinMixer(member.party.attempt.session, this.#id, this.modeOf(member));
    this.announce(member, 'joined');
    void this.follow(member);
  }

  /** A supervisor's new way of taking part, without ringing again. */
  async setMode(member: Member, mode: MonitorMode): Promise<void> {
    if (member.role.kind !== 'supervisor') return;
    member.role.mode = mode;
    await this.engine.joinMixer(member.party.attempt.session, this.#id, this.modeOf(member));
    this.announce(member, 'joined');
  }

  async partyLeft(party: Answered): Promise<Answered | undefined> {
    const next = [...this.#members].find((m) => m.role.kind === 'conference');
    if (next === undefined) return undefined;
    // The member is the party now: the connection follows its hang-up from here on.
    this.#members.delete(next);
    this.announce({ party, target: party.attempt.leg.start.target ?? '', role: next.role }, 'left');
    await this.rejoinWhispers(next.party);
    await this.settle(next.party);
    return next.party;
  }

  async partyBack(party: Answered, next: Answered): Promise<void> {
    await this.engine.joinMixer(next.attempt.session, this.#id, { kind: 'talk' });
    await this.engine.leaveMixer(party.attempt.session).catch(() => null);
    await this.rejoinWhispers(next);
  }

  async callerLeft(party: Answered): Promise<void> {
    // The caller's session is gone (and out of the mixer); the agent and the members talk on.
    while (this.talkers >= 2 && !party.attempt.leg.ended) {
      const waiting = new Promise<'changed'>((resolve) => (this.#changed = () => resolve('changed')));
      const outcome = await Promise.race([this.connection.gone(party), waiting]);
      if (outcome !== 'changed') party.attempt.leg.end(outcome.cause, outcome.by === 'caller' ? 'callee' : outcome.by);
    }
  }

  async end(): Promise<void> {
    const mixed = this.connection.mix === this;
    if (mixed) this.connection.mix = undefined;
    for (const member of [...this.#members]) await this.release(member, 'normal_clearing', 'kefu');
    // A caller left alone (the agent hung up) hears the flow again, not the empty mixer.
    if (mixed && !this.connection.leg.hungUp) await this.engine.leaveMixer(this.connection.leg.session).catch(() => null);
  }

  /** Ends a member from Kefu's side (a supervisor's monitoring stopped through the API). */
  async release(member: Member, cause: HangupCause, by: HangupSide): Promise<void> {
    if (!this.#members.delete(member)) return;
    if (!member.party.attempt.leg.ended) member.party.attempt.leg.end(cause, by);
    await member.party.dialog.bye({ headers: [reasonHeader(cause)] }).catch(() => undefined);
    await this.engine.destroy(member.party.attempt.session).catch(() => null);
    this.announce(member, 'left');
    await this.settle(this.connection.party);
  }

  /** Follows a member until it hangs up; then the others go on without it. */
  private async follow(member: Member): Promise<void> {
    const gone = await this.connection.gone(member.party);
    if (!this.#members.has(member)) return;
    this.#members.delete(member);
    member.party.attempt.leg.end(gone.cause, gone.by === 'caller' ? 'callee' : gone.by);
    await this.engine.destroy(member.party.attempt.session).catch(() => null);
    this.announce(member, 'left');
    await this.settle(this.connection.party);
  }

  /** With no member left, the caller and `party` go back to a plain bridge. */
  private async settle(party: Answered | undefined): Promise<void> {
    this.#changed();
    if (this.#members.size > 0 || this.connection.mix !== this) return;
    this.connection.mix = undefined;
    const { leg } = this.connection;
    if (leg.hungUp || party === undefined || party.attempt.leg.ended) return;
    await this.engine.leaveMixer(leg.session).catch(() => null);
    await this.engine.leaveMixer(party.attempt.session).catch(() => null);
    await leg.bridge(party.attempt.session);
  }

  /** Supervisors who whispered to the party that left whisper to the one who took its place. */
  private async rejoinWhispers(next: Answered): Promise<void> {
    for (const member of this.#members) {
      if (member.role.kind === 'supervisor' && member.role.mode === 'whisper') {
        await this.engine.joinMixer(member.party.attempt.session, this.#id, { kind: 'whisper', to: next.attempt.session });
      }
    }
  }

  private modeOf(member: Member): MixerMode {
    if (member.role.kind === 'conference' || member.role.mode === 'barge') return { kind: 'talk' };
    const party = this.connection.party;
    return member.role.mode === 'whisper' && party !== undefined ? { kind: 'whisper', to: party.attempt.session } : { kind: 'listen' };
  }

  private announce(member: Member, action: 'joined' | 'left'): void {
    const sipCallId = this.connection.leg.sipCallId;
    if (member.role.kind === 'supervisor') {
      this.notify({ kind: 'monitor', sipCallId, supervisor: member.role.by, phone: member.target, mode: action === 'left' ? null : member.role.mode });
    } else {
      this.notify({ kind: 'conference', sipCallId, party: member.target, action, parties: this.talkers, agentId: member.role.agentId });
    }
  }
}
