import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { firstInLine } from '../first-in-line.js';

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

/**
 * Registrar bindings of a tenant's addresses-of-record; the registrar decides, this stores.
 * Changes to one address-of-record take turns: `upsertAndList` and `locked` hold a transaction
 * lock on it (an advisory lock on a hash of tenant and address, so a clash of hashes only makes
 * two addresses wait for each other).
 */
export class SipBindingRepository {
  /** A phone about to ring waits for these queries: see first-in-line.ts. */
  readonly #firstInLine: Kysely<Database>;

  constructor(private readonly db: Kysely<Database>) {
    this.#firstInLine = firstInLine(db);
  }

  /**
   * The bindings of an address-of-record that have not expired at `now`, best q first. First in
   * line: a phone about to ring waits for them.
   */
  async live(tenantId: string, aor: string, now: Date): Promise<SipBinding[]> {
    const rows = await this.#firstInLine
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

  /** Whether a phone registered from `source` (a binding's source, `udp:192.0.2.1:5060`) and is still bound at `now`. */
  async registeredFrom(source: string, now: Date): Promise<boolean> {
    const row = await this.db.selectFrom('sipBindings').select('aor').where('source', '=', source).where('expiresAt', '>', now).limit(1).executeTakeFirst();
    return row !== undefined;
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

  /**
   * Adds or refreshes one binding and lists the address-of-record's live bindings after, in one
   * statement under the address's lock: a registration's write and its 200's list in one round
   * trip. Undefined, and nothing written, when the live binding of the contact came from the same
   * Call-ID with a CSeq at or above this one's (RFC 3261 §10.3 step 7: an older or repeated
   * request); the row lock of ON CONFLICT makes that check and the write one step.
   */
  async upsertAndList(tenantId: string, binding: SipBinding, now: Date): Promise<SipBinding[] | undefined> {
    const b = binding;
    const { rows } = await sql<SipBinding & { saved: boolean }>`
      with turn as (select pg_advisory_xact_lock(${lockKey(tenantId, b.aor)})),
      saved as (
        insert into sip_bindings (tenant_id, aor, contact, expires_at, q, call_id, cseq, source, user_agent)
        select ${tenantId}::uuid, ${b.aor}::text, ${b.contact}::text, ${b.expiresAt}::timestamptz, ${b.q}::real, ${b.callId}::text,
          ${b.cseq}::bigint, ${b.source}::text, ${b.userAgent}::text from turn
        on conflict (tenant_id, aor, contact) do update set
          expires_at = excluded.expires_at, q = excluded.q, call_id = excluded.call_id, cseq = excluded.cseq,
          source = excluded.source, user_agent = excluded.user_agent, updated_at = now()
        where sip_bindings.expires_at <= ${now}::timestamptz or sip_bindings.call_id <> excluded.call_id or sip_bindings.cseq < excluded.cseq
        returning aor, contact, expires_at, q, call_id, cseq, source, user_agent
      )
      select *, true as saved from saved
      union all
      select aor, contact, expires_at, q, call_id, cseq, source, user_agent, false from sip_bindings
      where tenant_id = ${tenantId}::uuid and aor = ${b.aor}::text and contact <> ${b.contact}::text and expires_at > ${now}::timestamptz
      order by q desc nulls last, contact`.execute(this.db);
    if (!rows.some((row) => row.saved)) return undefined;
    return rows.map(({ saved: _saved, ...row }) => ({ ...row, cseq: Number(row.cseq) }));
  }

  /**
   * Runs `work` in one transaction holding the lock of the address-of-record, with a repository
   * bound to that transaction: a read, a decision and the writes it makes land as one.
   */
  async locked<T>(tenantId: string, aor: string, work: (bindings: SipBindingRepository) => Promise<T>): Promise<T> {
    const inTurn = async (trx: Kysely<Database>) => {
      await sql`select pg_advisory_xact_lock(${lockKey(tenantId, aor)})`.execute(trx);
      return work(new SipBindingRepository(trx));
    };
    return this.db.isTransaction ? inTurn(this.db) : this.db.transaction().execute(inTurn);
  }

  async remove(tenantId: string, aor: string, contact: string): Promise<void> {
    await this.db.deleteFrom('sipBindings').where('tenantId', '=', tenantId).where('aor', '=', aor).where('contact', '=', contact).execute();
  }

  /** Every binding registered from `source` (a WebSocket connection that closed), whatever its tenant. */
  async removeFrom(source: string): Promise<number> {
    const result = await this.db.deleteFrom('sipBindings').where('source', '=', source).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async removeExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('sipBindings').where('expiresAt', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The advisory lock of an address-of-record: a 64-bit hash of tenant and address. */
function lockKey(tenantId: string, aor: string) {
  return sql`hashtextextended(${`${tenantId} ${aor}`}::text, 0)`;
}
