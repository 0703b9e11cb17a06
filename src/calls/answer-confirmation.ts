/**
 * Screening an answered party before the caller is connected ("press 1 to accept"): the phone
 * that answered may be a person, or the voicemail of a mobile that took the call for them. The
 * party hears the prompt, over and over, until they press a key; only the key asked for accepts.
 * Silence, another key, or the party hanging up refuses, and so does the caller leaving (or the
 * offer being withdrawn) meanwhile. Keys come as the media engine reports them: RFC 4733
 * telephone-events or in-band tones (RFC 4733 §1, the engine's detector).
 */
import type { MediaEngine } from '../media/index.js';
import type { Answered } from './attempt.js';
import type { HangupCause } from './hangup-cause.js';
import { playItem } from './leg.js';
import type { AnswerConfirmation } from './voice-channel.js';

/** How screening ended: `accepted`, or why not. */
export type ConfirmationVerdict = 'accepted' | 'other-key' | 'silence' | 'party-gone' | 'given-up';

/** What ends the screening, as it happens. */
export type ConfirmationEvent = { kind: 'key'; digit: string } | { kind: 'timeout' } | { kind: 'party-gone' } | { kind: 'given-up' };

/** The verdict an event gives: a key accepts only when it is the key asked for. */
export function verdictOf(event: ConfirmationEvent, key: string): ConfirmationVerdict {
  switch (event.kind) {
    case 'key':
      return event.digit === key ? 'accepted' : 'other-key';
    case 'timeout':
      return 'silence';
    case 'party-gone':
      return 'party-gone';
    case 'given-up':
      return 'given-up';
  }
}

/** The cause in the party's CDR when Kefu hangs up on them: they declined, or never answered the prompt. */
export function releaseCause(verdict: Exclude<ConfirmationVerdict, 'accepted' | 'party-gone'>): HangupCause {
  switch (verdict) {
    case 'other-key':
      return 'call_rejected';
    case 'silence':
      return 'no_user_response';
    case 'given-up':
      return 'normal_clearing';
  }
}

export interface ConfirmationSignals {
  /** Settles when the party hangs up (their BYE). */
  gone: Promise<unknown>;
  /** Settles when the caller left or the offer was withdrawn. */
  giveUp: Promise<unknown>;
}

/**
 * Plays `confirm.prompt` to the party that answered (looping) and waits for their first key,
 * at most `confirm.timeoutMs` from now; the prompt is stopped whatever the verdict.
 */
export async function confirmAnswer(engine: MediaEngine, answered: Answered, confirm: AnswerConfirmation, signals: ConfirmationSignals): Promise<ConfirmationVerdict> {
  const session = answered.attempt.session;
  let settle: (event: ConfirmationEvent) => void = () => undefined;
  const ended = new Promise<ConfirmationEvent>((resolve) => (settle = resolve));
  const unsubscribe = engine.on('dtmf', (event) => {
    if (event.session === session) settle({ kind: 'key', digit: event.digit });
  });
  const timer = setTimeout(() => settle({ kind: 'timeout' }), confirm.timeoutMs);
  void signals.gone.then(() => settle({ kind: 'party-gone' }));
  void signals.giveUp.then(() => settle({ kind: 'given-up' }));
  try {
    await engine.play(session, confirm.prompt.map(playItem), { loop: true, interruptible: true }).catch(() => null);
    return verdictOf(await ended, confirm.key);
  } finally {
    clearTimeout(timer);
    unsubscribe();
    await engine.stopPlaying(session).catch(() => null);
  }
}
