/**
 * Interactions waiting, kept sorted by their key (VIPs first, then the oldest arrival after
 * priority) and the order they came in. Most arrive at the end; a VIP, a higher priority or a
 * re-queued interaction is placed by binary search. A queue keeps one list of all its waiting
 * interactions (position is the index + 1) and one per channel and skill for matching.
 */
/** What the list needs of an interaction: its order. */
export interface Waiting {
  readonly id: string;
  readonly key: number;
  readonly seq: number;
  readonly queuedAt: number;
}

export function before(a: Waiting, b: Waiting): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}

export class WaitingList<Item extends Waiting> {
  readonly #items: Item[] = [];

  get length(): number {
    return this.#items.length;
  }

  /** Waiting interactions in serving order. */
  [Symbol.iterator](): Iterator<Item> {
    return this.#items[Symbol.iterator]();
  }

  insert(interaction: Item): void {
    const at = this.#lowerBound(interaction);
    if (at === this.#items.length) this.#items.push(interaction);
    else this.#items.splice(at, 0, interaction);
  }

  remove(interaction: Item): void {
    const at = this.#lowerBound(interaction);
    if (this.#items[at] !== interaction) throw new Error(`interaction ${interaction.id} is not in its waiting list`);
    this.#items.splice(at, 1);
  }

  /** 1 for the next to be served. */
  position(interaction: Item): number {
    return this.#lowerBound(interaction) + 1;
  }

  /** The earliest `queuedAt` of those waiting (the longest wait), scanning: for statistics, not per decision. */
  oldestQueuedAt(): number | null {
    let oldest: number | null = null;
    for (const item of this.#items) if (oldest === null || item.queuedAt < oldest) oldest = item.queuedAt;
    return oldest;
  }

  #lowerBound(interaction: Item): number {
    let low = 0;
    let high = this.#items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (before(this.#items[middle]!, interaction)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
