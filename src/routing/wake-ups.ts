/**
 * The times the core wants to act at (ring timeouts, wrap-up ends, maximum waits, relaxation
 * steps, announcements), in a binary min-heap ordered by time, then by when they were added.
 * Entries are never removed early: each carries a check, and one that no longer applies (the
 * offer was answered, the wrap-up extended) is dropped when it reaches the top.
 */
export interface WakeUp {
  at: number;
  /** True while the wake-up still applies. */
  live(): boolean;
  fire(at: number): void;
}

interface Entry {
  wakeUp: WakeUp;
  order: number;
}

export class WakeUps {
  readonly #heap: Entry[] = [];
  #added = 0;

  add(wakeUp: WakeUp): void {
    this.#heap.push({ wakeUp, order: this.#added++ });
    this.#up(this.#heap.length - 1);
  }

  /** The next wake-up that still applies, dropping those that do not. */
  peek(): WakeUp | undefined {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!.wakeUp;
      if (top.live()) return top;
      this.#pop();
    }
    return undefined;
  }

  /** Takes the next live wake-up due at or before `now`. */
  takeDue(now: number): WakeUp | undefined {
    const top = this.peek();
    if (top === undefined || top.at > now) return undefined;
    this.#pop();
    return top;
  }

  #pop(): void {
    const last = this.#heap.pop()!;
    if (this.#heap.length === 0) return;
    this.#heap[0] = last;
    this.#down(0);
  }

  #before(a: Entry, b: Entry): boolean {
    return a.wakeUp.at < b.wakeUp.at || (a.wakeUp.at === b.wakeUp.at && a.order < b.order);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const entry = heap[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#before(entry, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const entry = heap[index]!;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && this.#before(heap[right]!, heap[left]!) ? right : left;
      if (!this.#before(heap[child]!, entry)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = entry;
  }
}
