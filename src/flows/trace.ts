/**
 * The story of one call through its flow, kept in its CDR: each node it entered, the keys the
 * caller pressed and the words Kefu spoke, so an operator can see exactly what a caller heard.
 */
export type TraceEntry =
  | { at: number; node: string; event: 'enter'; type: string }
  | { at: number; node: string; event: 'said'; text: string }
  | { at: number; node: string; event: 'played'; prompt: string }
  | { at: number; node: string; event: 'keys'; digits: string }
  | { at: number; node: string; event: 'exit'; exit: string }
  | { at: number; node: string; event: 'note'; text: string };

type Detail<E> = E extends unknown ? Omit<E, 'at' | 'node'> : never;

export class Trace {
  readonly entries: TraceEntry[] = [];
  readonly #start: number;

  constructor(private readonly now: () => number) {
    this.#start = now();
  }

  add(node: string, entry: Detail<TraceEntry>): void {
    this.entries.push({ at: this.now() - this.#start, node, ...entry } as TraceEntry);
  }

  /** Every text spoken, in order. */
  spoken(): string[] {
    return this.entries.flatMap((e) => (e.event === 'said' ? [e.text] : []));
  }
}
