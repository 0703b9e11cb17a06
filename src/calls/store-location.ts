import type { Binding, BindingChanges, LocationService } from '../sip/index.js';
import type { Repositories, SipBinding } from '../store/index.js';

/** The registrar's bindings of one tenant, kept in the database (table sip_bindings). */
export class StoreLocation implements LocationService {
  constructor(
    private readonly repos: Repositories,
    private readonly tenantId: string,
  ) {}

  async bindings(aor: string, now: number): Promise<Binding[]> {
    return (await this.repos.sipBindings.live(this.tenantId, aor, new Date(now))).map(toBinding);
  }

  async saveAndList(aor: string, binding: Binding, now: number): Promise<Binding[] | 'out-of-order'> {
    const after = await this.repos.sipBindings.upsertAndList(this.tenantId, toRow(aor, binding), new Date(now));
    return after === undefined ? 'out-of-order' : after.map(toBinding);
  }

  async change(aor: string, now: number, decide: (live: Binding[]) => BindingChanges | 'out-of-order'): Promise<Binding[] | 'out-of-order'> {
    const at = new Date(now);
    return this.repos.sipBindings.locked(this.tenantId, aor, async (bindings) => {
      const changes = decide((await bindings.live(this.tenantId, aor, at)).map(toBinding));
      if (changes === 'out-of-order') return changes;
      for (const contact of changes.remove) await bindings.remove(this.tenantId, aor, contact);
      for (const binding of changes.save) await bindings.upsert(this.tenantId, toRow(aor, binding));
      return (await bindings.live(this.tenantId, aor, at)).map(toBinding);
    });
  }
}

function toBinding({ aor: _aor, expiresAt, ...row }: SipBinding): Binding {
  return { ...row, expiresAt: expiresAt.getTime() };
}

function toRow(aor: string, binding: Binding): SipBinding {
  return { aor, ...binding, expiresAt: new Date(binding.expiresAt) };
}
