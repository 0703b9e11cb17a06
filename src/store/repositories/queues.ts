import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { uniquely, versioned } from '../db-errors.js';
import type { Page, PageRequest } from '../page.js';
import type { QueueRow } from '../routing-tables.js';

/**
 * A tenant's queues, by name (the name is the queue's id in routing). The settings are stored as
 * the API checked them with routing's schema; the store does not read them.
 */
export class QueueRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, page: PageRequest): Promise<Page<QueueRow>> {
    const query = this.db.selectFrom('queues').where('tenantId', '=', tenantId);
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('name').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  /** Every queue of the tenant, for loading them into routing. */
  async all(tenantId: string): Promise<QueueRow[]> {
    return this.db.selectFrom('queues').selectAll().where('tenantId', '=', tenantId).orderBy('name').execute();
  }

  async get(tenantId: string, name: string): Promise<QueueRow | undefined> {
    return this.db.selectFrom('queues').selectAll().where('tenantId', '=', tenantId).where('name', '=', name).executeTakeFirst();
  }

  async create(tenantId: string, input: { name: string; settings: Record<string, unknown> }): Promise<QueueRow> {
    return uniquely(() =>
      this.db
        .insertInto('queues')
        .values({ tenantId, name: input.name, settings: JSON.stringify(input.settings) })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }

  /** Replaces the settings if the queue is still at version `expected`; else NotFoundError or StaleVersionError. */
  async update(tenantId: string, name: string, expected: number, settings: Record<string, unknown>): Promise<QueueRow> {
    const write = () =>
      this.db
        .updateTable('queues')
        .set((eb) => ({ settings: JSON.stringify(settings), version: eb('version', '+', 1), updatedAt: new Date() }))
        .where('tenantId', '=', tenantId)
        .where('name', '=', name)
        .where('version', '=', expected)
        .returningAll()
        .executeTakeFirst();
    return versioned('queue', expected, write, async () => (await this.get(tenantId, name))?.version);
  }

  async remove(tenantId: string, name: string): Promise<QueueRow | undefined> {
    return this.db.deleteFrom('queues').where('tenantId', '=', tenantId).where('name', '=', name).returningAll().executeTakeFirst();
  }

  /** The tenant's queues whose settings overflow to `name`. */
  async overflowingTo(tenantId: string, name: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('queues')
      .select('name')
      .where('tenantId', '=', tenantId)
      .where(sql<boolean>`settings -> 'overflow' ->> 'kind' = 'queue' and settings -> 'overflow' ->> 'queue' = ${name}`)
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }
}
