import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

export interface SipBinding {
  aor: string;
  contact: string;
  expiresAt: Date;
  q: number | null;
  callId: string;
  cseq: number;
  source: string;
  userAgent: string | null;
}

/** Registrar bindings of a tenant's addresses-of-record; the registrar decides, this stores. */
export class SipBindingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The bindings of an address-of-record that have not expired at `now`, best q first. */
  async live(tenantId: string, aor: string, now: Date): Promise<SipBinding[]> {
    const rows = await this.db
      .selectFrom('sipBindings')
      .select(['aor', 'contact', 'expiresAt', 'q', 'callId', 'cseq', 'source', 'userAgent'])
      .where('tenantId', '=', tenantId)
      .where('aor', '=', aor)
      .where('expiresAt', '>', now)
      .orderBy('q', (ob) => ob.desc().nullsLast())
      .orderBy('contact')
      .execute();
    return rows.map((row) => ({ ...row, cseq: Number(row.cseq) }));
  }

  async upsert(tenantId: string, binding: SipBinding): Promise<void> {
    await this.db
      .insertInto('sipBindings')
      .values({ tenantId, ...binding })
      .onConflict((oc) =>
        oc.columns(['tenantId', 'aor', 'contact']).doUpdateSet({
          expiresAt: binding.expiresAt,
          q: binding.q,
          callId: binding.callId,
          cseq: binding.cseq,
          source: binding.source,
          userAgent: binding.userAgent,
          updatedAt: new Date(),
        }),
      )
      .execute();
  }

  async remove(tenantId: string, aor: string, contact: string): Promise<void> {
    await this.db.deleteFrom('sipBindings').where('tenantId', '=', tenantId).where('aor', '=', aor).where('contact', '=', contact).execute();
  }

  async removeExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('sipBindings').where('expiresAt', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
