import type { Binding, LocationService } from '../sip/index.js';
import type { Repositories } from '../store/index.js';

/** The registrar's bindings of one tenant, kept in the database (table sip_bindings). */
export class StoreLocation implements LocationService {
  constructor(
    private readonly repos: Repositories,
    private readonly tenantId: string,
  ) {}

  async bindings(aor: string, now: number): Promise<Binding[]> {
    const rows = await this.repos.sipBindings.live(this.tenantId, aor, new Date(now));
    return rows.map(({ aor: _aor, expiresAt, ...row }) => ({ ...row, expiresAt: expiresAt.getTime() }));
  }

  async save(aor: string, binding: Binding): Promise<void> {
    await this.repos.sipBindings.upsert(this.tenantId, { aor, ...binding, expiresAt: new Date(binding.expiresAt) });
  }

  async remove(aor: string, contact: string): Promise<void> {
    await this.repos.sipBindings.remove(this.tenantId, aor, contact);
  }
}
