/**
 * Runs one flow on one answered call: node after node along the exits the caller's keys and the
 * tenant's data choose, until a `hangup` node, the caller hanging up, or a node with nowhere to
 * go. The document is the version the call started on; publishing a new one does not touch it.
 */
import { digitsText, type HandOff, type Sound, type VoiceChannel } from '../calls/index.js';
import type { Announcement, FlowDocument, FlowNode, Language } from './document.js';
import { phrases, type Phrases } from './phrases.js';
import type { RunScope } from './run-scope.js';
import type { FlowServices } from './services.js';
import { renderTemplate } from './template.js';
import { Trace } from './trace.js';
import { runNode } from './verbs.js';

/** Guards against a flow that loops without the caller doing anything (a set → condition cycle). */
const MAX_STEPS = 2000;
const MAX_SUBFLOW_DEPTH = 5;

export interface FlowOutcome {
  /** Why the flow stopped. */
  end: 'hangup-node' | 'caller-hung-up' | 'dead-end' | 'too-many-steps' | 'error';
  trace: Trace;
  variables: ReadonlyMap<string, string>;
}

export interface FlowStart {
  document: FlowDocument;
  channel: VoiceChannel;
  services: FlowServices;
  /** The built-in variables: caller, called, tenant.name … */
  variables: Record<string, string>;
  clock?: () => number;
}

/** One running flow: its variables, language, trace, and the channel it speaks on. */
export class FlowRun implements RunScope {
  readonly variables: Map<string, string>;
  readonly trace: Trace;
  readonly channel: VoiceChannel;
  readonly services: FlowServices;
  readonly #document: FlowDocument;
  #steps = 0;
  #handOff: HandOff | undefined;

  constructor(start: FlowStart) {
    this.channel = start.channel;
    this.services = start.services;
    this.trace = new Trace(start.clock ?? (() => performance.now()));
    this.variables = new Map([...Object.entries(start.document.variables), ...Object.entries(start.variables)]);
    if (!this.variables.has('language')) this.variables.set('language', start.document.language);
    this.#document = start.document;
  }

  get language(): Language {
    return this.variables.get('language') === 'en' ? 'en' : 'zh-CN';
  }

  get phrases(): Phrases {
    return phrases[this.language];
  }

  async run(): Promise<FlowOutcome> {
    let end: FlowOutcome['end'];
    try {
      const walked = await this.walk(this.#document, 0);
      end = walked === 'returned' ? 'hangup-node' : walked;
    } catch (error) {
      this.trace.add('-', { event: 'note', text: `flow failed: ${(error as Error).message}` });
      end = 'error';
    }
    return { end, trace: this.trace, variables: this.variables };
  }

  /** Runs `document` from its start; a subflow comes back here at a `return` node or a dead end. */
  private async walk(document: FlowDocument, depth: number): Promise<FlowOutcome['end'] | 'returned'> {
    let id: string | undefined = document.start;
    while (id !== undefined) {
      if (this.channel.hungUp) return 'caller-hung-up';
      if (++this.#steps > MAX_STEPS) return 'too-many-steps';
      const node: FlowNode | undefined = document.nodes[id];
      if (node === undefined) return 'dead-end';
      this.trace.add(id, { event: 'enter', type: node.type });
      if (node.type === 'hangup' || (node.type === 'return' && depth === 0)) {
        await this.channel.hangup();
        return 'hangup-node';
      }
      if (node.type === 'return') return 'returned';
      let exit: string | undefined;
      if (node.type === 'subflow') {
        const inner = depth < MAX_SUBFLOW_DEPTH ? await this.services.subflow(node.flow) : undefined;
        if (inner === undefined) this.trace.add(id, { event: 'note', text: `subflow ${node.flow} is not available` });
        else {
          const innerEnd = await this.walk(inner, depth + 1);
          if (innerEnd !== 'returned' && innerEnd !== 'dead-end') return innerEnd;
        }
        exit = 'next';
      } else {
        exit = await runNode(this, id, node);
        const handed = this.#handOff;
        this.#handOff = undefined;
        if (handed !== undefined && !this.channel.hungUp) {
          if ('node' in handed) {
            id = handed.node;
            continue;
          }
          return this.handedTo(id, handed.flow, depth);
        }
      }
      if (this.channel.hungUp) return 'caller-hung-up';
      if (exit === undefined) return 'dead-end';
      this.trace.add(id, { event: 'exit', exit });
      id = targetOf(node, exit);
    }
    return 'dead-end';
  }

  handOff(to: HandOff): void {
    this.#handOff = to;
  }

  /** The caller was handed to `flow`: it runs, and when it returns the call ends. */
  private async handedTo(node: string, flow: string, depth: number): Promise<FlowOutcome['end']> {
    const inner = await this.services.subflow(flow);
    if (inner === undefined) {
      this.trace.add(node, { event: 'note', text: `flow ${flow} is not available` });
      return 'dead-end';
    }
    const end = await this.walk(inner, depth + 1);
    if (end !== 'returned') return end;
    await this.channel.hangup();
    return 'hangup-node';
  }

  render(text: string): string {
    return renderTemplate(text, this.variables);
  }

  /** Speaks `text` in the call's language (or `language`), recorded in the trace. */
  say(node: string, text: string, options: { bargeIn?: boolean; language?: Language } = {}) {
    this.trace.add(node, { event: 'said', text });
    return this.channel.play([{ kind: 'speech', text, language: options.language ?? this.language }], { bargeIn: options.bargeIn ?? false });
  }

  /** Reads digits one by one (case numbers, account numbers). */
  spellDigits(digits: string): string {
    return digitsText(digits, this.language);
  }

  /** Plays an announcement (prompts or text) and lets the caller type ahead. */
  async announce(node: string, announcement: Announcement, bargeIn = true) {
    return this.channel.play(await this.sounds(node, announcement), { bargeIn });
  }

  private async sounds(node: string, announcement: Announcement): Promise<Sound[]> {
    if ('text' in announcement) {
      const text = this.render(announcement.text);
      this.trace.add(node, { event: 'said', text });
      return [{ kind: 'speech', text, language: announcement.language ?? this.language }];
    }
    return this.promptSounds(node, announcement.prompts);
  }

  async promptSounds(node: string, prompts: readonly string[]): Promise<Sound[]> {
    const sounds: Sound[] = [];
    for (const name of prompts) {
      const path = await this.services.promptFile(name);
      if (path === undefined) this.trace.add(node, { event: 'note', text: `prompt ${name} is missing` });
      else {
        this.trace.add(node, { event: 'played', prompt: name });
        sounds.push({ kind: 'file', path });
      }
    }
    return sounds;
  }
}

function targetOf(node: FlowNode, exit: string): string | undefined {
  if (node.type === 'menu' && exit.startsWith('key ')) return node.options[exit.slice(4)];
  return 'exits' in node ? (node.exits as Record<string, string | undefined>)[exit] : undefined;
}
