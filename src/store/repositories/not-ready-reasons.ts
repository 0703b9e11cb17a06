import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

export interface NotReadyReason {
  code: string;
  name: string;
  nameEn: string;
}

/** Used by a tenant that has not set its own. */
export const defaultNotReadyReasons: readonly NotReadyReason[] = [
  { code: 'break', name: '休息', nameEn: 'Break' },
  { code: 'lunch', name: '午餐', nameEn: 'Lunch' },
  { code: 'meeting', name: '会议', nameEn: 'Meeting' },
  { code: 'training', name: '培训', nameEn: 'Training' },
  { code: 'other', name: '其他', nameEn: 'Other' },
];

/** A tenant's not-ready reason codes (D1), replaced as one list. */
export class NotReadyReasonRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The tenant's reasons in order; the built-in ones when it has set none. */
  async list(tenantId: string): Promise<NotReadyReason[]> {
    const rows = await this.db.selectFrom('notReadyReasons').select(['code', 'name', 'nameEn']).where('tenantId', '=', tenantId).orderBy('position').execute();
    return rows.length === 0 ? defaultNotReadyReasons.map((reason) => ({ ...reason })) : rows;
  }

  /** Replaces the tenant's reasons with `reasons`, in that order. */
  async replace(tenantId: string, reasons: readonly NotReadyReason[]): Promise<NotReadyReason[]> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('notReadyReasons').where('tenantId', '=', tenantId).execute();
      if (reasons.length > 0) await tx.insertInto('notReadyReasons').values(reasons.map((reason, position) => ({ tenantId, ...reason, position }))).execute();
    });
    return this.list(tenantId);
  }
}
