import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { Page, PageRequest } from '../page.js';

export type AuditAction = 'create' | 'update' | 'delete';

export interface AuditEntry {
  actorKind: 'user' | 'api_key' | 'system';
  actorId: string | null;
  actorName: string;
  action: AuditAction;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  sourceIp: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  tenantId: string;
  at: Date;
}

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actorId?: string;
  since?: Date;
  until?: Date;
}

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(tenantId: string, entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('auditLog')
      .values({
        tenantId,
        ...entry,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
      })
      .execute();
  }

  async list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>> {
    let query = this.db.selectFrom('auditLog').where('tenantId', '=', tenantId);
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    if (filter.entityId !== undefined) query = query.where('entityId', '=', filter.entityId);
    if (filter.actorId !== undefined) query = query.where('actorId', '=', filter.actorId);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    const [rows, count] = await Promise.all([
      query
        .select([
          sql<string>`id::text`.as('id'),
          'tenantId',
          'at',
          'actorKind',
          'actorId',
          'actorName',
          'action',
          'entity',
          'entityId',
          'before',
          'after',
          'requestId',
          'sourceIp',
        ])
        .orderBy('at', 'desc')
        .orderBy(sql`id`, 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows as AuditRecord[], total: Number(count.total), ...page };
  }
}
