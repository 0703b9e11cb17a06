import type { Kysely } from 'kysely';
import type { Database, SessionRow } from '../database.js';

export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { tokenHash: string; tenantId: string; userId: string; expiresAt: Date }): Promise<void> {
    await this.db.insertInto('sessions').values(input).execute();
  }

  /** The session with this token hash, if it has not expired. */
  async live(tokenHash: string, now: Date): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('tokenHash', '=', tokenHash)
      .where('expiresAt', '>', now)
      .executeTakeFirst();
  }

  async remove(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('tokenHash', '=', tokenHash).execute();
  }

  /** Ends every session of a user, e.g. when the user is disabled or the password changes. */
  async removeForUser(tenantId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('tenantId', '=', tenantId).where('userId', '=', userId).execute();
  }

  async removeExpired(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expiresAt', '<=', now).execute();
  }
}
