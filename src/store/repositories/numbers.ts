import type { Kysely } from 'kysely';
import type { Database, NumberKind, NumberRow } from '../database.js';
import { uniquely, updateVersioned } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

export interface NumberBinding {
  /** The tenant whose service answers; on a shared number, any business it serves. */
  tenantId: string;
  tenantSlug: string;
  /** On a shared number: the code a caller keys in to choose this business. */
  extensionCode: string | null;
  service: string;
  flow: string | null;
}

export type PhoneNumber = NumberRow & { bindings: NumberBinding[] };

export interface NumberInput {
  number: string;
  kind: NumberKind;
  label: string;
}

export type BindingInput = Omit<NumberBinding, 'tenantSlug'>;


/**
 * Numbers and what they are bound to (FEATURES A2, A3). A number belongs to one tenant; its
 * bindings say which service answers it, and on a shared access number which business each
 * extension code selects. Writes that touch bindings must run inside a transaction.
 */
export class NumberRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: { q?: string; kind?: NumberKind }, page: PageRequest): Promise<Page<PhoneNumber>> {
    let query = this.db.selectFrom('numbers').where('tenantId', '=', tenantId);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) => eb.or([eb('number', 'ilike', pattern), eb('label', 'ilike', pattern)]));
    }
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('number').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: await this.withBindings(rows), total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<PhoneNumber | undefined> {
    const row = await this.db
      .selectFrom('numbers')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : (await this.withBindings([row]))[0];
  }

  /**
   * The number, whoever owns it: inbound routing looks a called number up before it knows the
   * tenant (the number is what tells it).
   */
  async byNumber(number: string): Promise<PhoneNumber | undefined> {
    const row = await this.db.selectFrom('numbers').selectAll().where('number', '=', number).executeTakeFirst();
    return row === undefined ? undefined : (await this.withBindings([row]))[0];
  }

  async create(tenantId: string, input: NumberInput, bindings: BindingInput[]): Promise<PhoneNumber> {
    const row = await uniquely(() =>
      this.db.insertInto('numbers').values({ tenantId, ...input }).returningAll().executeTakeFirstOrThrow(),
    );
    await this.replaceBindings(row.id, bindings);
    return (await this.withBindings([row]))[0] as PhoneNumber;
  }

  async update(
    tenantId: string,
    id: string,
    version: number,
    patch: Partial<NumberInput>,
    bindings: BindingInput[] | undefined,
  ): Promise<PhoneNumber> {
    const row = await uniquely(() => updateVersioned(this.db, 'numbers', 'number', tenantId, id, version, patch));
    if (bindings !== undefined) await this.replaceBindings(id, bindings);
    return (await this.withBindings([row]))[0] as PhoneNumber;
  }

  async remove(tenantId: string, id: string): Promise<PhoneNumber | undefined> {
    const existing = await this.get(tenantId, id);
    if (existing === undefined) return undefined;
    await this.db.deleteFrom('numbers').where('tenantId', '=', tenantId).where('id', '=', id).execute();
    return existing;
  }

  private async replaceBindings(numberId: string, bindings: BindingInput[]): Promise<void> {
    await this.db.deleteFrom('numberBindings').where('numberId', '=', numberId).execute();
    if (bindings.length === 0) return;
    await uniquely(() =>
      this.db
        .insertInto('numberBindings')
        .values(bindings.map((b) => ({ numberId, ...b })))
        .execute(),
    );
  }

  private async withBindings(rows: NumberRow[]): Promise<PhoneNumber[]> {
    if (rows.length === 0) return [];
    const bindings = await this.db
      .selectFrom('numberBindings')
      .innerJoin('tenants', 'tenants.id', 'numberBindings.tenantId')
      .select([
        'numberBindings.numberId',
        'numberBindings.tenantId',
        'tenants.slug as tenantSlug',
        'numberBindings.extensionCode',
        'numberBindings.service',
        'numberBindings.flow',
      ])
      .where(
        'numberBindings.numberId',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('numberBindings.extensionCode')
      .execute();
    return rows.map((row) => ({
      ...row,
      bindings: bindings.filter((b) => b.numberId === row.id).map(({ numberId: _, ...b }) => b),
    }));
  }
}
