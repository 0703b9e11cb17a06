import type { Kysely } from 'kysely';
import type { Database, DepartmentRow } from '../database.js';
import { removeRow, uniquely, updateVersioned } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

export interface DepartmentInput {
  name: string;
  nameEn: string;
  phones: string[];
  description: string;
}

export type NewDepartmentInput = Partial<DepartmentInput> & Pick<DepartmentInput, 'name'>;


export class DepartmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: { q?: string }, page: PageRequest): Promise<Page<DepartmentRow>> {
    let query = this.db.selectFrom('departments').where('tenantId', '=', tenantId);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('nameEn', 'ilike', pattern)]));
    }
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('name').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<DepartmentRow | undefined> {
    return this.db
      .selectFrom('departments')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async create(tenantId: string, input: NewDepartmentInput): Promise<DepartmentRow> {
    return uniquely(() =>
      this.db.insertInto('departments').values({ tenantId, ...input }).returningAll().executeTakeFirstOrThrow(),
    );
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<DepartmentInput>): Promise<DepartmentRow> {
    return uniquely(() => updateVersioned(this.db, 'departments', 'department', tenantId, id, version, patch));
  }


  async remove(tenantId: string, id: string): Promise<DepartmentRow | undefined> {
    return removeRow(this.db, 'departments', tenantId, id);
  }

}
