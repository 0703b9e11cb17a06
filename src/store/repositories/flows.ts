import type { Kysely } from 'kysely';
import type { Database, FlowRow, FlowVersionRow } from '../database.js';
import { removeRow, uniquely, updateVersioned, versioned, versionOf } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';
import { NotFoundError } from '../../errors.js';

export interface FlowInput {
  name: string;
  description: string;
  draft: unknown;
}

export type NewFlowInput = Partial<FlowInput> & Pick<FlowInput, 'name' | 'draft'>;

/** One published version, as the list of versions shows it (without the document). */
export type FlowVersionSummary = Omit<FlowVersionRow, 'document' | 'tenantId'>;

/** What a call starts on: the live version of a tenant's flow. */
export interface LiveFlow {
  flowId: string;
  name: string;
  number: number;
  document: unknown;
}

export class FlowRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: { q?: string }, page: PageRequest): Promise<Page<FlowRow>> {
    let query = this.db.selectFrom('flows').where('tenantId', '=', tenantId);
    if (filter.q !== undefined) query = query.where('name', 'ilike', likePattern(filter.q));
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('name').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<FlowRow | undefined> {
    return this.db.selectFrom('flows').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  /** Every flow name of the tenant, for checking `subflow` nodes. */
  async names(tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('flows').select('name').where('tenantId', '=', tenantId).execute();
    return rows.map((r) => r.name);
  }

  async create(tenantId: string, input: NewFlowInput): Promise<FlowRow> {
    return uniquely(() =>
      this.db
        .insertInto('flows')
        .values({ tenantId, ...input, draft: JSON.stringify(input.draft) })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<FlowInput>): Promise<FlowRow> {
    const { draft, ...rest } = patch;
    const values = draft === undefined ? rest : { ...rest, draft: JSON.stringify(draft) };
    return uniquely(() => updateVersioned(this.db, 'flows', 'flow', tenantId, id, version, values));
  }

  async remove(tenantId: string, id: string): Promise<FlowRow | undefined> {
    return removeRow(this.db, 'flows', tenantId, id);
  }

  /**
   * Freezes `document` as the flow's next version and makes it live, if the flow is still at
   * `expected` (the draft that was checked is the draft that is published). Run it in a
   * transaction: on a stale version the new version row must not stay.
   */
  async publish(tenantId: string, id: string, expected: number, document: unknown, publishedBy: string): Promise<FlowRow> {
    const last = await this.db
      .selectFrom('flowVersions')
      .select((eb) => eb.fn.max('number').as('number'))
      .where('flowId', '=', id)
      .where('tenantId', '=', tenantId)
      .executeTakeFirst();
    const number = (last?.number ?? 0) + 1;
    if ((await versionOf(this.db, 'flows', tenantId, id)) === undefined) throw new NotFoundError('flow not found');
    // The version row first: live_version must always name an existing version.
    await this.db
      .insertInto('flowVersions')
      .values({ flowId: id, tenantId, number, document: JSON.stringify(document), publishedBy })
      .execute();
    return updateVersioned(this.db, 'flows', 'flow', tenantId, id, expected, { liveVersion: number });
  }

  /** Makes an earlier published version live again (FEATURES B11 rollback). */
  async rollback(tenantId: string, id: string, expected: number, number: number): Promise<FlowRow> {
    const exists = await this.db
      .selectFrom('flowVersions')
      .select('number')
      .where('flowId', '=', id)
      .where('tenantId', '=', tenantId)
      .where('number', '=', number)
      .executeTakeFirst();
    if (exists === undefined) {
      if ((await versionOf(this.db, 'flows', tenantId, id)) === undefined) throw new NotFoundError('flow not found');
      throw new NotFoundError(`flow version ${number} not found`, [{ path: 'number', message: 'no such published version' }]);
    }
    return versioned(
      'flow',
      expected,
      () =>
        this.db
          .updateTable('flows')
          .set((eb) => ({ liveVersion: number, version: eb('version', '+', 1), updatedAt: new Date() }))
          .where('tenantId', '=', tenantId)
          .where('id', '=', id)
          .where('version', '=', expected)
          .returningAll()
          .executeTakeFirst(),
      () => versionOf(this.db, 'flows', tenantId, id),
    );
  }

  async versions(tenantId: string, id: string): Promise<FlowVersionSummary[]> {
    return this.db
      .selectFrom('flowVersions')
      .select(['flowId', 'number', 'publishedBy', 'publishedAt'])
      .where('tenantId', '=', tenantId)
      .where('flowId', '=', id)
      .orderBy('number', 'desc')
      .execute();
  }

  async version(tenantId: string, id: string, number: number): Promise<FlowVersionRow | undefined> {
    return this.db
      .selectFrom('flowVersions')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('flowId', '=', id)
      .where('number', '=', number)
      .executeTakeFirst();
  }

  /** The live version of the tenant's flow called `name`, read once when a call starts. */
  async live(tenantId: string, name: string): Promise<LiveFlow | undefined> {
    const row = await this.db
      .selectFrom('flows')
      .innerJoin('flowVersions', (join) =>
        join.onRef('flowVersions.flowId', '=', 'flows.id').onRef('flowVersions.number', '=', 'flows.liveVersion'),
      )
      .select(['flows.id as flowId', 'flows.name', 'flowVersions.number', 'flowVersions.document'])
      .where('flows.tenantId', '=', tenantId)
      .where('flows.name', '=', name)
      .executeTakeFirst();
    return row;
  }
}
