import type { HandOff, PlayOutcome, Sound, VoiceChannel } from '../calls/index.js';
import type { Announcement, Language } from './document.js';
import type { Phrases } from './phrases.js';
import type { FlowServices } from './services.js';
import type { Trace } from './trace.js';

/** What a verb sees of the running flow (implemented by FlowRun). */
export interface RunScope {
  readonly variables: Map<string, string>;
  readonly trace: Trace;
  readonly channel: VoiceChannel;
  readonly services: FlowServices;
  /** The call's language now (a `language` node changes it). */
  readonly language: Language;
  /** Kefu's own words in that language. */
  readonly phrases: Phrases;
  render(text: string): string;
  /** Speaks `text`, recorded in the trace. */
  say(node: string, text: string, options?: { bargeIn?: boolean; language?: Language }): Promise<PlayOutcome>;
  /** Digits spelt one by one, as words of the call's language. */
  spellDigits(digits: string): string;
  /** Plays an announcement (prompts or text), by default letting the caller type ahead. */
  announce(node: string, announcement: Announcement, bargeIn?: boolean): Promise<PlayOutcome>;
  promptSounds(node: string, prompts: readonly string[]): Promise<Sound[]>;
  /** After the node now running, the call goes on in `to` (an agent handed the caller over, B12). */
  handOff(to: HandOff): void;
}
