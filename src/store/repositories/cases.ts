import { sql, type Kysely } from 'kysely';
import type { CaseChannel, CasePriority, CaseRow, CaseStatus, CaseType } from '../case-tables.js';
import type { Database } from '../database.js';
import { updateVersioned } from '../db-errors.js';
import type { Page, PageRequest } from '../page.js';

/** What the IVR knows when it opens a case from a recording (B4). */
export interface CaseDraft {
  type: CaseType;
  caller: string | null;
  customerId: string | null;
  sipCallId: string | null;
  recordingFile: string | null;
  recordingMs: number | null;
  recordingSha256: string | null;
}

/** What an agent adds opening a case from the contact in hand (G2). */
export interface CaseDetails {
  status: CaseStatus;
  subject: string;
  description: string;
  channel: CaseChannel;
  priority: CasePriority;
  interactionId: string | null;
  openedBy: string | null;
}

export interface CaseFilter {
  status?: CaseStatus | undefined;
  type?: CaseType | undefined;
  customerId?: string | undefined;
  interactionId?: string | undefined;
}

export type CaseChange = Partial<Pick<CaseDetails, 'status' | 'subject' | 'description' | 'priority'> & { type: CaseType }>;

/** The recording a case carries: the file under the media folder, its length and its SHA-256. */
export type CaseRecording = Pick<CaseRow, 'recordingFile' | 'recordingMs' | 'recordingSha256'>;

/**
 * The day a case number starts with (YYMMDD), in the tenant's time zone: a case opened at 01:00
 * in Shanghai belongs to that Shanghai day.
 */
export function caseDay(at: Date, timeZone: string): string {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(at)
    .split('-');
  return `${year!.slice(2)}${month}${day}`;
}

/** Cases: opened by the IVR (B4, B5) or by an agent from a call (G2), numbered per tenant and day. */
export class CaseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Opens a case with the tenant's next number for `day` (YYMMDD): the day and a four-digit
   * sequence, short enough to read back and key in. Run it in a transaction.
   */
  async open(tenantId: string, day: string, draft: CaseDraft & Partial<CaseDetails>): Promise<CaseRow> {
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

  /** The latest recording a case of this call carries (the caller's complaint, recorded by the IVR before an agent took the call). */
  async recordingOfCall(tenantId: string, sipCallId: string): Promise<CaseRecording | undefined> {
    return this.db
      .selectFrom('cases')
      .select(['recordingFile', 'recordingMs', 'recordingSha256'])
      .where('tenantId', '=', tenantId)
      .where('sipCallId', '=', sipCallId)
      .where('recordingFile', 'is not', null)
      .orderBy('createdAt', 'desc')
      .executeTakeFirst();
  }

  async update(tenantId: string, id: string, version: number, change: CaseChange): Promise<CaseRow> {
    return updateVersioned(this.db, 'cases', 'case', tenantId, id, version, change);
  }

  async list(tenantId: string, filter: CaseFilter, page: PageRequest): Promise<Page<CaseRow>> {
    let query = this.db.selectFrom('cases').where('tenantId', '=', tenantId);
    if (filter.customerId !== undefined) query = query.where('customerId', '=', filter.customerId);
    if (filter.interactionId !== undefined) query = query.where('interactionId', '=', filter.interactionId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('createdAt', 'desc').orderBy('number', 'desc').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }
}
