import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { uniquely, versioned, versionOf } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

/** An agent with the name of the user it belongs to; the SIP digest hashes stay in the store. */
export interface Agent {
  id: string;
  tenantId: string;
  userId: string;
  username: string;
  displayName: string;
  disabled: boolean;
  extension: string;
  skills: Record<string, number>;
  /** The outside number the agent takes calls on when logged in remotely (A4), or null. */
  remoteNumber: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentInput {
  extension: string;
  sipHa1Md5: string;
  sipHa1Sha256: string;
  skills: Record<string, number>;
  remoteNumber?: string | null;
}

/** What a SIP registrar needs to check a digest response for an extension. */
export interface AgentSipCredentials {
  agentId: string;
  extension: string;
  sipHa1Md5: string;
  sipHa1Sha256: string;
  disabled: boolean;
}


export class AgentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private select() {
    return this.db
      .selectFrom('agents')
      .innerJoin('users', 'users.id', 'agents.userId')
      .select([
        'agents.id',
        'agents.tenantId',
        'agents.userId',
        'users.username',
        'users.displayName',
        'users.disabled',
        'agents.extension',
        'agents.skills',
        'agents.remoteNumber',
        'agents.version',
        'agents.createdAt',
        'agents.updatedAt',
      ]);
  }

  async list(tenantId: string, filter: { q?: string; skill?: string }, page: PageRequest): Promise<Page<Agent>> {
    let query = this.select().where('agents.tenantId', '=', tenantId);
    const { skill } = filter;
    if (skill !== undefined) query = query.where(sql<boolean>`agents.skills ? ${skill}`);
    if (filter.q !== undefined) {
      const pattern = likePattern(filter.q);
      query = query.where((eb) =>
        eb.or([
          eb('agents.extension', 'ilike', pattern),
          eb('users.username', 'ilike', pattern),
          eb('users.displayName', 'ilike', pattern),
        ]),
      );
    }
    const [items, count] = await Promise.all([
      query.orderBy('agents.extension').limit(page.limit).offset(page.offset).execute(),
      query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<Agent | undefined> {
    return this.select().where('agents.tenantId', '=', tenantId).where('agents.id', '=', id).executeTakeFirst();
  }

  /** The agent a user is, if they are one. */
  async ofUser(tenantId: string, userId: string): Promise<Agent | undefined> {
    return this.select().where('agents.tenantId', '=', tenantId).where('agents.userId', '=', userId).executeTakeFirst();
  }

  async sipCredentials(tenantId: string, extension: string): Promise<AgentSipCredentials | undefined> {
    return this.db
      .selectFrom('agents')
      .innerJoin('users', 'users.id', 'agents.userId')
      .select(['agents.id as agentId', 'agents.extension', 'agents.sipHa1Md5', 'agents.sipHa1Sha256', 'users.disabled'])
      .where('agents.tenantId', '=', tenantId)
      .where('agents.extension', '=', extension)
      .executeTakeFirst();
  }

  async create(tenantId: string, userId: string, input: AgentInput): Promise<Agent> {
    const { id } = await uniquely(() =>
      this.db
        .insertInto('agents')
        .values({ tenantId, userId, ...input, skills: JSON.stringify(input.skills) })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    return (await this.get(tenantId, id)) as Agent;
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<AgentInput>): Promise<Agent> {
    const { skills, ...rest } = patch;
    await uniquely(() =>
      versioned(
        'agent',
        version,
        () =>
          this.db
            .updateTable('agents')
            .set((eb) => ({
              ...rest,
              ...(skills !== undefined ? { skills: JSON.stringify(skills) } : {}),
              version: eb('version', '+', 1),
              updatedAt: new Date(),
            }))
            .where('tenantId', '=', tenantId)
            .where('id', '=', id)
            .where('version', '=', version)
            .returning('id')
            .executeTakeFirst(),
        () => versionOf(this.db, 'agents', tenantId, id),
      ),
    );
    return (await this.get(tenantId, id)) as Agent;
  }

  async remove(tenantId: string, id: string): Promise<Agent | undefined> {
    const agent = await this.get(tenantId, id);
    if (agent === undefined) return undefined;
    await this.db.deleteFrom('agents').where('tenantId', '=', tenantId).where('id', '=', id).execute();
    return agent;
  }
}
