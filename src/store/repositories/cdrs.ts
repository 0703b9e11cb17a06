import type { Kysely } from 'kysely';
import type { CdrRow, Database } from '../database.js';
import type { Page, PageRequest } from '../page.js';

export interface CdrStart {
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  caller: string | null;
  called: string | null;
  originalCalled: string | null;
  flow: string | null;
  flowVersion: number | null;
  startedAt: Date;
  callId?: string | null;
}

/**
 * A leg other than the caller's (a phone rung, a transfer target), or the caller leg of a call
 * Kefu placed that was never answered, written whole when it ends.
 */
export interface CdrLeg {
  callId: string;
  leg: 'caller' | 'callee' | 'transfer';
  sipCallId: string;
  caller: string | null;
  called: string | null;
  target: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  cause: string;
  endedBy: 'caller' | 'callee' | 'kefu' | 'network';
  sipStatus: number | null;
}

export interface CdrChange {
  answeredAt?: Date;
  endedAt?: Date;
  cause?: string;
  sipStatus?: number;
  endedBy?: 'caller' | 'callee' | 'kefu' | 'network';
  flow?: string | null;
  flowVersion?: number | null;
  trace?: unknown[];
}

export interface CdrFilter {
  sipCallId?: string;
  callId?: string;
  caller?: string;
  called?: string;
  since?: Date;
  until?: Date;
}

/** Call detail records: one row a leg, written when it starts and completed as it goes. */
export class CdrRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async start(tenantId: string, start: CdrStart): Promise<CdrRow> {
    return this.db.insertInto('cdrs').values({ tenantId, ...start }).returningAll().executeTakeFirstOrThrow();
  }

  async leg(tenantId: string, leg: CdrLeg): Promise<CdrRow> {
    return this.db
      .insertInto('cdrs')
      .values({ tenantId, direction: 'outbound', originalCalled: null, flow: null, flowVersion: null, ...leg })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async change(tenantId: string, id: string, change: CdrChange): Promise<void> {
    const { trace, ...rest } = change;
    await this.db
      .updateTable('cdrs')
      .set(trace === undefined ? rest : { ...rest, trace: JSON.stringify(trace) })
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async get(tenantId: string, id: string): Promise<CdrRow | undefined> {
    return this.db.selectFrom('cdrs').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async list(tenantId: string, filter: CdrFilter, page: PageRequest): Promise<Page<CdrRow>> {
    let query = this.db.selectFrom('cdrs').where('tenantId', '=', tenantId);
    if (filter.sipCallId !== undefined) query = query.where('sipCallId', '=', filter.sipCallId);
    if (filter.callId !== undefined) query = query.where('callId', '=', filter.callId);
    if (filter.caller !== undefined) query = query.where('caller', '=', filter.caller);
    if (filter.called !== undefined) {
      const called = filter.called;
      query = query.where((eb) => eb.or([eb('called', '=', called), eb('originalCalled', '=', called)]));
    }
    if (filter.since !== undefined) query = query.where('startedAt', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('startedAt', '<', filter.until);
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('startedAt', 'desc').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }
}
