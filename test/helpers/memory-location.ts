/** A location service held in memory: the registrar's rules do not depend on where bindings live. */
import { outOfOrder, type Binding, type BindingChanges, type LocationService } from '../../src/sip/registrar/registrar.js';

export class MemoryLocation implements LocationService {
  readonly #rows = new Map<string, Map<string, Binding>>();

  /** The stored binding of `contact`, live or not. */
  binding(aor: string, contact: string): Binding | undefined {
    return this.#rows.get(aor)?.get(contact);
  }

  async bindings(aor: string, now: number): Promise<Binding[]> {
    return [...(this.#rows.get(aor)?.values() ?? [])].filter((b) => b.expiresAt > now).sort((a, b) => (b.q ?? -1) - (a.q ?? -1));
  }

  async saveAndList(aor: string, binding: Binding, now: number): Promise<Binding[] | 'out-of-order'> {
    const stored = this.binding(aor, binding.contact);
    if (stored !== undefined && stored.expiresAt > now && outOfOrder(stored, binding.callId, binding.cseq)) return 'out-of-order';
    this.#aor(aor).set(binding.contact, binding);
    return this.bindings(aor, now);
  }

  async change(aor: string, now: number, decide: (live: Binding[]) => BindingChanges | 'out-of-order'): Promise<Binding[] | 'out-of-order'> {
    const changes = decide(await this.bindings(aor, now));
    if (changes === 'out-of-order') return changes;
    for (const contact of changes.remove) this.#aor(aor).delete(contact);
    for (const binding of changes.save) this.#aor(aor).set(binding.contact, binding);
    return this.bindings(aor, now);
  }

  #aor(aor: string): Map<string, Binding> {
    let rows = this.#rows.get(aor);
    if (rows === undefined) this.#rows.set(aor, (rows = new Map()));
    return rows;
  }
}
