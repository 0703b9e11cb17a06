import type { Kysely } from 'kysely';
import type { Database, TrunkCallerId, TrunkRoute, TrunkRow, TrunkTransport } from '../database.js';
import { uniquely, versioned } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

export interface TrunkInput {
  name: string;
  host: string;
  port: number;
  transport: TrunkTransport;
  username: string | null;
  password: string | null;
  realm: string | null;
  fromUser: string | null;
  fromDomain: string | null;
  routes: TrunkRoute[];
  callerId: TrunkCallerId;
  callerIdNumber: string | null;
  priority: number;
  enabled: boolean;
  maxCalls: number | null;
}

export type NewTrunkInput = Partial<TrunkInput> & Pick<TrunkInput, 'name' | 'host'>;

export interface TrunkFilter {
  /** Part of the name or host. */
  q?: string;
  enabled?: boolean;
}

/**
 * Whose trunk a write is about: a tenant's id, or null for the platform's shared trunks. Reads
 * take the tenant and see its own trunks and the shared ones.
 */
export type TrunkOwner = string | null;

const toColumns = ({ routes, ...rest }: Partial<TrunkInput>) => ({ ...rest, ...(routes === undefined ? {} : { routes: JSON.stringify(routes) }) });

/** SIP trunks to carriers: a tenant's own and the platform's shared ones. */
export class TrunkRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The trunks `tenantId` may use: its own and the shared ones (tenant_id null). */
  private visible(tenantId: string) {
    return this.db.selectFrom('trunks').where((eb) => eb.or([eb('tenantId', '=', tenantId), eb('tenantId', 'is', null)]));
  }

  async list(tenantId: string, filter: TrunkFilter, page: PageRequest): Promise<Page<TrunkRow>> {
    let query = this.visible(tenantId);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('host', 'ilike', pattern)]));
    }
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('tenantId', (o) => o.nullsLast()).orderBy('priority').orderBy('name').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<TrunkRow | undefined> {
    return this.visible(tenantId).selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The enabled trunks a call of `tenantId` may go out by, in the order they are tried: its own, then the shared ones. */
  async usable(tenantId: string): Promise<TrunkRow[]> {
    return this.visible(tenantId).selectAll().where('enabled', '=', true).orderBy('tenantId', (o) => o.nullsLast()).orderBy('priority').orderBy('name').execute();
  }

  /** The hosts of every enabled trunk of every tenant, each once: where carriers' traffic comes from. */
  async hosts(): Promise<string[]> {
    const rows = await this.db.selectFrom('trunks').select('host').distinct().where('enabled', '=', true).orderBy('host').execute();
    return rows.map((row) => row.host);
  }

  async create(owner: TrunkOwner, input: NewTrunkInput): Promise<TrunkRow> {
    return uniquely(() => this.db.insertInto('trunks').values({ tenantId: owner, ...toColumns(input), name: input.name, host: input.host }).returningAll().executeTakeFirstOrThrow());
  }

  async update(owner: TrunkOwner, id: string, version: number, patch: Partial<TrunkInput>): Promise<TrunkRow> {
    const write = () =>
      this.db
        .updateTable('trunks')
        .set((eb) => ({ ...toColumns(patch), version: eb('version', '+', 1), updatedAt: new Date() }))
        .where('id', '=', id)
        .where('tenantId', owner === null ? 'is' : '=', owner)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst();
    const current = async () =>
      (await this.db.selectFrom('trunks').select('version').where('id', '=', id).where('tenantId', owner === null ? 'is' : '=', owner).executeTakeFirst())?.version;
    return uniquely(() => versioned('trunk', version, write, current));
  }

  async remove(owner: TrunkOwner, id: string): Promise<TrunkRow | undefined> {
    return this.db
      .deleteFrom('trunks')
      .where('id', '=', id)
      .where('tenantId', owner === null ? 'is' : '=', owner)
      .returningAll()
      .executeTakeFirst();
  }
}
