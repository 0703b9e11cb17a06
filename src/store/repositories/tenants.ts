import type { Kysely } from 'kysely';
import type { Database, TenantRow, TenantStatus } from '../database.js';
import { uniquely, versioned } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

export interface TenantInput {
  slug: string;
  name: string;
  nameEn: string;
  timeZone: string;
  locale: string;
  status: TenantStatus;
}

export interface TenantFilter {
  q?: string;
  status?: TenantStatus;
  /** Only this tenant: what a business sees of the list. */
  id?: string;
}

/** Tenants are the one table not scoped by tenant: only the platform administrator sees them all. */
export class TenantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filter: TenantFilter, page: PageRequest): Promise<Page<TenantRow>> {
    let query = this.db.selectFrom('tenants');
    if (filter.id !== undefined) query = query.where('id', '=', filter.id);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) =>
        eb.or([eb('slug', 'ilike', pattern), eb('name', 'ilike', pattern), eb('nameEn', 'ilike', pattern)]),
      );
    }
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('slug').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(id: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async bySlug(slug: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  /** The tenant whose SIP realm (or domain) this is: how SIP requests find their tenant. */
  async bySipRealm(realm: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('sipRealm', '=', realm).executeTakeFirst();
  }

  async platform(): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('isPlatform', '=', true).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  /** The SIP realm is fixed at creation: agents' digest hashes are computed over it. */
  async create(input: TenantInput & { sipRealm: string; isPlatform?: boolean }): Promise<TenantRow> {
    return uniquely(() =>
      this.db.insertInto('tenants').values(input).returningAll().executeTakeFirstOrThrow(),
    );
  }

  async update(id: string, version: number, patch: Partial<Omit<TenantInput, 'slug'>>): Promise<TenantRow> {
    return versioned(
      'tenant',
      version,
      () =>
        this.db
          .updateTable('tenants')
          .set((eb) => ({ ...patch, version: eb('version', '+', 1), updatedAt: new Date() }))
          .where('id', '=', id)
          .where('version', '=', version)
          .returningAll()
          .executeTakeFirst(),
      async () => (await this.get(id))?.version,
    );
  }

  async remove(id: string): Promise<TenantRow | undefined> {
    return this.db.deleteFrom('tenants').where('id', '=', id).where('isPlatform', '=', false).returningAll().executeTakeFirst();
  }
}
