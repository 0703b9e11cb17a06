import { sql, type Kysely } from 'kysely';
import type { CaseRow, Database } from '../database.js';
import type { Page, PageRequest } from '../page.js';

export interface CaseDraft {
  type: string;
  caller: string | null;
  customerId: string | null;
  sipCallId: string | null;
  recordingFile: string | null;
  recordingMs: number | null;
  recordingSha256: string | null;
}

/** Cases, so far as the IVR opens and reads them (B4, B5). */
export class CaseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Opens a draft case with the tenant's next number for `day` (YYMMDD): the day and a four-digit
   * sequence, short enough to read back and key in. Run it in a transaction.
   */
  async open(tenantId: string, day: string, draft: CaseDraft): Promise<CaseRow> {
    const counter = await this.db
      .insertInto('caseCounters')
      .values({ tenantId, day, last: 1 })
      .onConflict((oc) => oc.columns(['tenantId', 'day']).doUpdateSet({ last: sql<number>`case_counters.last + 1` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    const number = `${day}${String(counter.last).padStart(4, '0')}`;
    return this.db.insertInto('cases').values({ tenantId, number, ...draft }).returningAll().executeTakeFirstOrThrow();
  }

  async byNumber(tenantId: string, number: string): Promise<CaseRow | undefined> {
    return this.db.selectFrom('cases').selectAll().where('tenantId', '=', tenantId).where('number', '=', number).executeTakeFirst();
  }

  async get(tenantId: string, id: string): Promise<CaseRow | undefined> {
    return this.db.selectFrom('cases').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async list(tenantId: string, filter: { status?: string; type?: string; customerId?: string }, page: PageRequest): Promise<Page<CaseRow>> {
    let query = this.db.selectFrom('cases').where('tenantId', '=', tenantId);
    if (filter.customerId !== undefined) query = query.where('customerId', '=', filter.customerId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('createdAt', 'desc').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }
}
