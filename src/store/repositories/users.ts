import { sql, type Kysely } from 'kysely';
import type { Database, UserRow } from '../database.js';
import { uniquely, versioned, versionOf } from '../db-errors.js';
import { likePattern, textArray, type Page, type PageRequest } from '../page.js';

/** A user as everyone but the login check sees it: without the password hash. */
export type User = Omit<UserRow, 'passwordHash'>;

export interface UserInput {
  username: string;
  displayName: string;
  email: string | null;
  passwordHash: string;
  roles: string[];
  disabled: boolean;
}

export interface UserFilter {
  q?: string;
  role?: string;
  disabled?: boolean;
}

const userColumns = [
  'id',
  'tenantId',
  'username',
  'displayName',
  'email',
  'roles',
  'disabled',
  'version',
  'createdAt',
  'updatedAt',
] as const;

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: UserFilter, page: PageRequest): Promise<Page<User>> {
    let query = this.db.selectFrom('users').where('tenantId', '=', tenantId);
    if (filter.role !== undefined) query = query.where('roles', '@>', textArray(filter.role));
    if (filter.disabled !== undefined) query = query.where('disabled', '=', filter.disabled);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) => eb.or([eb('username', 'ilike', pattern), eb('displayName', 'ilike', pattern)]));
    }
    const [items, count] = await Promise.all([
      query.select(userColumns).orderBy('username').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<User | undefined> {
    return this.db
      .selectFrom('users')
      .select(userColumns)
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The one read that returns the password hash: for checking a login. */
  async withPasswordHash(tenantId: string, username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('username', '=', username)
      .executeTakeFirst();
  }

  async create(tenantId: string, input: UserInput): Promise<User> {
    return uniquely(() =>
      this.db.insertInto('users').values({ tenantId, ...input }).returning(userColumns).executeTakeFirstOrThrow(),
    );
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<UserInput>): Promise<User> {
    return uniquely(() =>
      versioned(
        'user',
        version,
        () =>
          this.db
            .updateTable('users')
            .set((eb) => ({ ...patch, version: eb('version', '+', 1), updatedAt: new Date() }))
            .where('tenantId', '=', tenantId)
            .where('id', '=', id)
            .where('version', '=', version)
            .returning(userColumns)
            .executeTakeFirst(),
        () => versionOf(this.db, 'users', tenantId, id),
      ),
    );
  }

  /** How many enabled users of the tenant hold any of `roles`. */
  async countEnabledWithAnyRole(tenantId: string, roles: string[]): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('tenantId', '=', tenantId)
      .where('disabled', '=', false)
      .where('roles', '&&', sql<string[]>`${roles}::text[]`)
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async remove(tenantId: string, id: string): Promise<User | undefined> {
    return this.db
      .deleteFrom('users')
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .returning(userColumns)
      .executeTakeFirst();
  }
}
