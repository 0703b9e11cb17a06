import { sql, type Kysely } from 'kysely';
import type { CustomerRow, Database } from '../database.js';
import { removeRow, updateVersioned } from '../db-errors.js';
import { likePattern, textArray, type Page, type PageRequest } from '../page.js';

export interface CustomerInput {
  name: string;
  company: string;
  phones: string[];
  emails: string[];
  vip: boolean;
  tags: string[];
  notes: string;
  address: string;
}

/** A new customer: a name, and whatever else is known (the rest starts empty). */
export type NewCustomerInput = Partial<CustomerInput> & Pick<CustomerInput, 'name'>;

export interface CustomerFilter {
  /** Matches name, company, e-mail or phone (substring, case-insensitive). */
  q?: string;
  /** Exact, normalised phone numbers (the forms of one calling number): any of the customer's numbers. */
  phones?: readonly string[];
  tag?: string;
  vip?: boolean;
}

export class CustomerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: CustomerFilter, page: PageRequest): Promise<Page<CustomerRow>> {
    let query = this.db.selectFrom('customers').where('tenantId', '=', tenantId);
    if (filter.phones !== undefined) query = query.where(sql<boolean>`phones && ${sql.val([...filter.phones])}::text[]`);
    if (filter.tag !== undefined) query = query.where('tags', '@>', textArray(filter.tag));
    if (filter.vip !== undefined) query = query.where('vip', '=', filter.vip);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) =>
        eb.or([
          eb('name', 'ilike', pattern),
          eb('company', 'ilike', pattern),
          eb(eb.fn('array_to_string', ['phones', eb.val(' ')]), 'ilike', pattern),
          eb(eb.fn('array_to_string', ['emails', eb.val(' ')]), 'ilike', pattern),
        ]),
      );
    }
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('name').orderBy('id').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  /** The customer who has any of `phones` (the forms one calling number may be kept in), VIPs first. */
  async byAnyPhone(tenantId: string, phones: readonly string[]): Promise<CustomerRow | undefined> {
    if (phones.length === 0) return undefined;
    return this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where(sql<boolean>`phones && ${sql.val([...phones])}::text[]`)
      .orderBy('vip', 'desc')
      .orderBy('updatedAt', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async get(tenantId: string, id: string): Promise<CustomerRow | undefined> {
    return this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async create(tenantId: string, input: NewCustomerInput): Promise<CustomerRow> {
    return this.db
      .insertInto('customers')
      .values({ tenantId, ...input })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<CustomerInput>): Promise<CustomerRow> {
    return updateVersioned(this.db, 'customers', 'customer', tenantId, id, version, patch);
  }


  async remove(tenantId: string, id: string): Promise<CustomerRow | undefined> {
    return removeRow(this.db, 'customers', tenantId, id);
  }

}
