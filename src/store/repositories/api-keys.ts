import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../database.js';

/** An API key as it is listed: never its hash. */
export type ApiKey = Omit<ApiKeyRow, 'keyHash'>;

const keyColumns = ['id', 'tenantId', 'name', 'prefix', 'roles', 'createdBy', 'createdAt', 'lastUsedAt', 'revokedAt'] as const;

export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string): Promise<ApiKey[]> {
    return this.db
      .selectFrom('apiKeys')
      .select(keyColumns)
      .where('tenantId', '=', tenantId)
      .orderBy('createdAt', 'desc')
      .execute();
  }

  async get(tenantId: string, id: string): Promise<ApiKey | undefined> {
    return this.db
      .selectFrom('apiKeys')
      .select(keyColumns)
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async create(
    tenantId: string,
    input: { name: string; prefix: string; keyHash: string; roles: string[]; createdBy: string | null },
  ): Promise<ApiKey> {
    return this.db
      .insertInto('apiKeys')
      .values({ tenantId, ...input })
      .returning(keyColumns)
      .executeTakeFirstOrThrow();
  }

  /** The live (not revoked) key with this hash, marking it used. */
  async use(keyHash: string): Promise<ApiKey | undefined> {
    return this.db
      .updateTable('apiKeys')
      .set({ lastUsedAt: new Date() })
      .where('keyHash', '=', keyHash)
      .where('revokedAt', 'is', null)
      .returning(keyColumns)
      .executeTakeFirst();
  }

  async revoke(tenantId: string, id: string): Promise<ApiKey | undefined> {
    return this.db
      .updateTable('apiKeys')
      .set({ revokedAt: new Date() })
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .returning(keyColumns)
      .executeTakeFirst();
  }
}
