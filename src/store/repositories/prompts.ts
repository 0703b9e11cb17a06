import type { Kysely } from 'kysely';
import type { Database, PromptRow } from '../database.js';
import { removeRow, uniquely, updateVersioned } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

export interface PromptInput {
  name: string;
  description: string;
  file: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
}

export class PromptRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: { q?: string }, page: PageRequest): Promise<Page<PromptRow>> {
    let query = this.db.selectFrom('prompts').where('tenantId', '=', tenantId);
    if (filter.q !== undefined) query = query.where('name', 'ilike', likePattern(filter.q));
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('name').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<PromptRow | undefined> {
    return this.db.selectFrom('prompts').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async byName(tenantId: string, name: string): Promise<PromptRow | undefined> {
    return this.db.selectFrom('prompts').selectAll().where('tenantId', '=', tenantId).where('name', '=', name).executeTakeFirst();
  }

  /** Every prompt name of the tenant, for checking flows. */
  async names(tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('prompts').select('name').where('tenantId', '=', tenantId).execute();
    return rows.map((r) => r.name);
  }

  async create(tenantId: string, input: PromptInput): Promise<PromptRow> {
    return uniquely(() => this.db.insertInto('prompts').values({ tenantId, ...input }).returningAll().executeTakeFirstOrThrow());
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<PromptInput>): Promise<PromptRow> {
    return uniquely(() => updateVersioned(this.db, 'prompts', 'prompt', tenantId, id, version, patch));
  }

  async remove(tenantId: string, id: string): Promise<PromptRow | undefined> {
    return removeRow(this.db, 'prompts', tenantId, id);
  }
}
