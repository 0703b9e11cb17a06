import { sql, type Kysely } from 'kysely';
import type { CalendarDayKind, CalendarDayRow, Database } from '../database.js';
import { uniquely, versioned, versionOf } from '../db-errors.js';
import type { Page, PageRequest } from '../page.js';

export interface CalendarDayInput {
  /** `YYYY-MM-DD`, a date of the tenant's own calendar. */
  date: string;
  kind: CalendarDayKind;
  name: string;
}

export type NewCalendarDayInput = Partial<CalendarDayInput> & Pick<CalendarDayInput, 'date' | 'kind'>;

export interface CalendarFilter {
  /** First date listed, inclusive. */
  from?: string;
  /** Last date listed, inclusive. */
  to?: string;
  kind?: CalendarDayKind;
}

/** `date` as `YYYY-MM-DD` text: pg and PGlite would otherwise make a Date at some zone's midnight. */
const dateText = sql<string>`to_char(date, 'YYYY-MM-DD')`.as('date');
const columns = ['id', 'tenantId', 'kind', 'name', 'version', 'createdAt', 'updatedAt', dateText] as const;

/** A tenant's holidays and make-up working days (FEATURES B9). */
export class CalendarRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: CalendarFilter, page: PageRequest): Promise<Page<CalendarDayRow>> {
    let query = this.db.selectFrom('tenantCalendarDays').where('tenantId', '=', tenantId);
    if (filter.from !== undefined) query = query.where('date', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('date', '<=', filter.to);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    const [items, count] = await Promise.all([
      query.select(columns).orderBy('tenantCalendarDays.date').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<CalendarDayRow | undefined> {
    return this.db.selectFrom('tenantCalendarDays').select(columns).where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  /**
   * The kind of each listed date from `from` to `to` inclusive, for a schedule to look up the
   * local date it finds (load a day either side of today: zones run from UTC−12 to UTC+14).
   */
  async kinds(tenantId: string, from: string, to: string): Promise<Map<string, CalendarDayKind>> {
    const rows = await this.db
      .selectFrom('tenantCalendarDays')
      .select(['kind', dateText])
      .where('tenantId', '=', tenantId)
      .where('date', '>=', from)
      .where('date', '<=', to)
      .execute();
    return new Map(rows.map((r) => [r.date, r.kind]));
  }

  async create(tenantId: string, input: NewCalendarDayInput): Promise<CalendarDayRow> {
    return uniquely(() => this.db.insertInto('tenantCalendarDays').values({ tenantId, ...input }).returning(columns).executeTakeFirstOrThrow());
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<CalendarDayInput>): Promise<CalendarDayRow> {
    const write = () =>
      this.db
        .updateTable('tenantCalendarDays')
        .set((eb) => ({ ...patch, version: eb('version', '+', 1), updatedAt: new Date() }))
        .where('tenantId', '=', tenantId)
        .where('id', '=', id)
        .where('version', '=', version)
        .returning(columns)
        .executeTakeFirst();
    return uniquely(() => versioned('calendar day', version, write, () => versionOf(this.db, 'tenantCalendarDays', tenantId, id)));
  }

  async remove(tenantId: string, id: string): Promise<CalendarDayRow | undefined> {
    return this.db.deleteFrom('tenantCalendarDays').where('tenantId', '=', tenantId).where('id', '=', id).returning(columns).executeTakeFirst();
  }
}
