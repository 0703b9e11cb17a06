import type { Kysely } from 'kysely';
import type { CallerList, CallerListRow, Database, NumberMatch } from '../database.js';
import { removeRow, uniquely, updateVersioned } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

export interface CallerListInput {
  list: CallerList;
  number: string;
  match: NumberMatch;
  note: string;
}

export type NewCallerListInput = Partial<CallerListInput> & Pick<CallerListInput, 'list' | 'number'>;

export interface CallerListFilter {
  list?: CallerList;
  /** Part of the number or the note. */
  q?: string;
}

/** A tenant's blacklist and whitelist of calling numbers (FEATURES B10). */
export class CallerListRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: CallerListFilter, page: PageRequest): Promise<Page<CallerListRow>> {
    let query = this.db.selectFrom('callerLists').where('tenantId', '=', tenantId);
    if (filter.list !== undefined) query = query.where('list', '=', filter.list);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) => eb.or([eb('number', 'like', pattern), eb('note', 'ilike', pattern)]));
    }
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('list').orderBy('number').orderBy('id').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<CallerListRow | undefined> {
    return this.db.selectFrom('callerLists').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  /**
   * The entries that could match `number`: its exact entries and the prefix entries it begins
   * with, on either list. What is done with them is the directory's decision (screenCaller).
   */
  async matching(tenantId: string, number: string): Promise<CallerListRow[]> {
    return this.db
      .selectFrom('callerLists')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where((eb) =>
        eb.or([
          eb.and([eb('match', '=', 'exact'), eb('number', '=', number)]),
          // A prefix entry matches when the number starts with it: strpos is literal, unlike LIKE.
          eb.and([eb('match', '=', 'prefix'), eb(eb.fn('strpos', [eb.val(number), eb.ref('number')]), '=', 1)]),
        ]),
      )
      .execute();
  }

  async create(tenantId: string, input: NewCallerListInput): Promise<CallerListRow> {
    return uniquely(() => this.db.insertInto('callerLists').values({ tenantId, ...input }).returningAll().executeTakeFirstOrThrow());
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<CallerListInput>): Promise<CallerListRow> {
    return uniquely(() => updateVersioned(this.db, 'callerLists', 'caller list entry', tenantId, id, version, patch));
  }

  async remove(tenantId: string, id: string): Promise<CallerListRow | undefined> {
    return removeRow(this.db, 'callerLists', tenantId, id);
  }
}
