import type { Kysely } from 'kysely';
import type { BlacklistAction, Database, ScheduleMode } from '../database.js';
import { versioned } from '../db-errors.js';

export interface CallSettingsInput {
  blacklistAction: BlacklistAction;
  refusalPrompt: string | null;
  whitelistOnly: boolean;
  scheduleMode: ScheduleMode;
}

/** A tenant's call settings; `version` 0 and no `updatedAt` while it has never changed them. */
export interface CallSettings extends CallSettingsInput {
  version: number;
  updatedAt: Date | null;
}

/** What a tenant that never changed its settings has: callers are screened by the blacklist only, the clock rules. */
export const defaultCallSettings: CallSettings = {
  blacklistAction: 'reject-busy',
  refusalPrompt: null,
  whitelistOnly: false,
  scheduleMode: 'auto',
  version: 0,
  updatedAt: null,
};

/** One row per tenant, made by its first change; a tenant without one has the defaults. */
export class CallSettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(tenantId: string): Promise<CallSettings> {
    const row = await this.db
      .selectFrom('tenantCallSettings')
      .select(['blacklistAction', 'refusalPrompt', 'whitelistOnly', 'scheduleMode', 'version', 'updatedAt'])
      .where('tenantId', '=', tenantId)
      .executeTakeFirst();
    return row ?? defaultCallSettings;
  }

  /**
   * Changes the fields given, if the settings are still at version `expected` (0: never changed);
   * otherwise StaleVersionError. The first change makes the row, starting from the defaults.
   */
  async update(tenantId: string, expected: number, patch: Partial<CallSettingsInput>): Promise<CallSettings> {
    const columns = ['blacklistAction', 'refusalPrompt', 'whitelistOnly', 'scheduleMode', 'version', 'updatedAt'] as const;
    const write = () =>
      expected === 0
        ? this.db
            .insertInto('tenantCallSettings')
            .values({ tenantId, refusalPrompt: null, ...patch })
            .onConflict((oc) => oc.column('tenantId').doNothing())
            .returning(columns)
            .executeTakeFirst()
        : this.db
            .updateTable('tenantCallSettings')
            .set((eb) => ({ ...patch, version: eb('version', '+', 1), updatedAt: new Date() }))
            .where('tenantId', '=', tenantId)
            .where('version', '=', expected)
            .returning(columns)
            .executeTakeFirst();
    return versioned('call settings', expected, write, async () => (await this.get(tenantId)).version);
  }
}
