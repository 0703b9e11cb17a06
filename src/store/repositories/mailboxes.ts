import type { Kysely } from 'kysely';
import type { Database, MailboxOwnerKind, MailboxRow, VoicemailMessageRow } from '../database.js';
import { removeRow, uniquely, updateVersioned } from '../db-errors.js';
import { likePattern, type Page, type PageRequest } from '../page.js';

export interface MailboxInput {
  name: string;
  ownerKind: MailboxOwnerKind;
  ownerId: string | null;
  pinHash: string;
  greeting: string | null;
  maxMessages: number;
}

export type NewMailboxInput = Partial<MailboxInput> & Pick<MailboxInput, 'name' | 'ownerKind' | 'pinHash'>;

export interface NewMessage {
  mailboxId: string;
  caller: string | null;
  sipCallId: string | null;
  file: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
}

/** Voice mailboxes (B6) and the messages left in them. */
export class MailboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(tenantId: string, filter: { q?: string }, page: PageRequest): Promise<Page<MailboxRow>> {
    let query = this.db.selectFrom('mailboxes').where('tenantId', '=', tenantId);
    if (filter.q !== undefined) query = query.where('name', 'ilike', likePattern(filter.q));
    const [items, count] = await Promise.all([
      query.selectAll().orderBy('name').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), ...page };
  }

  async get(tenantId: string, id: string): Promise<MailboxRow | undefined> {
    return this.db.selectFrom('mailboxes').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async byName(tenantId: string, name: string): Promise<MailboxRow | undefined> {
    return this.db.selectFrom('mailboxes').selectAll().where('tenantId', '=', tenantId).where('name', '=', name).executeTakeFirst();
  }

  async names(tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('mailboxes').select('name').where('tenantId', '=', tenantId).execute();
    return rows.map((r) => r.name);
  }

  async create(tenantId: string, input: NewMailboxInput): Promise<MailboxRow> {
    return uniquely(() => this.db.insertInto('mailboxes').values({ tenantId, ...input }).returningAll().executeTakeFirstOrThrow());
  }

  async update(tenantId: string, id: string, version: number, patch: Partial<MailboxInput>): Promise<MailboxRow> {
    return uniquely(() => updateVersioned(this.db, 'mailboxes', 'mailbox', tenantId, id, version, patch));
  }

  async remove(tenantId: string, id: string): Promise<MailboxRow | undefined> {
    return removeRow(this.db, 'mailboxes', tenantId, id);
  }

  async addMessage(tenantId: string, message: NewMessage): Promise<VoicemailMessageRow> {
    return this.db.insertInto('voicemailMessages').values({ tenantId, ...message }).returningAll().executeTakeFirstOrThrow();
  }

  /** Messages of a mailbox, oldest first (the order a caller hears them). */
  async messages(tenantId: string, mailboxId: string, filter: { unheard?: boolean } = {}): Promise<VoicemailMessageRow[]> {
    let query = this.db.selectFrom('voicemailMessages').selectAll().where('tenantId', '=', tenantId).where('mailboxId', '=', mailboxId);
    if (filter.unheard === true) query = query.where('heardAt', 'is', null);
    return query.orderBy('createdAt').orderBy('id').execute();
  }

  async message(tenantId: string, id: string): Promise<VoicemailMessageRow | undefined> {
    return this.db.selectFrom('voicemailMessages').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async countMessages(tenantId: string, mailboxId: string): Promise<number> {
    const row = await this.db
      .selectFrom('voicemailMessages')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('tenantId', '=', tenantId)
      .where('mailboxId', '=', mailboxId)
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async markHeard(tenantId: string, id: string, at: Date): Promise<VoicemailMessageRow | undefined> {
    return this.db
      .updateTable('voicemailMessages')
      .set({ heardAt: at })
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async removeMessage(tenantId: string, id: string): Promise<VoicemailMessageRow | undefined> {
    return this.db.deleteFrom('voicemailMessages').where('tenantId', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  }
}
