import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { hashPassword } from '../../directory/index.js';
import { mailboxOwnerKinds, type MailboxRow, type MediaFiles, type Repositories, type Store, type TenantRow } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';
import { registerResource } from '../resource.js';
import { idParams, searchText } from '../schemas.js';

const pin = z.string().regex(/^[0-9]{4,12}$/, '4 to 12 digits');
const fields = z.object({
  name: z.string().regex(/^[\w-]{1,100}$/, '1 to 100 letters, digits, - or _'),
  ownerKind: z.enum(mailboxOwnerKinds),
  ownerId: z.uuid().nullable(),
  /** The retrieval PIN; stored hashed and never shown again. */
  pin,
  /** Name of the prompt played as the greeting; a spoken default when null. */
  greeting: z.string().max(100).nullable(),
  maxMessages: z.number().int().min(1).max(10_000),
});
const readers = ['tenant_admin', 'supervisor'] as const;

/** A mailbox as the API shows it: never the PIN's hash; on delete, the message files to remove. */
type PublicMailbox = Omit<MailboxRow, 'pinHash'> & { files?: string[] };
const shown = ({ pinHash: _secret, ...mailbox }: MailboxRow): PublicMailbox => mailbox;

async function withPin<T extends { pin?: string }>(body: T): Promise<Omit<T, 'pin'> & { pinHash?: string }> {
  const { pin: given, ...rest } = body;
  return given === undefined ? rest : { ...rest, pinHash: await hashPassword(given) };
}

async function mailboxOf(repos: Repositories, tenant: TenantRow, id: string): Promise<MailboxRow> {
  const row = await repos.mailboxes.get(tenant.id, id);
  if (row === undefined) throw new NotFoundError('mailbox not found');
  return row;
}

/** Voice mailboxes (B6) and the messages callers left: list, download, mark heard, delete. */
export const mailboxRoutes: FastifyPluginAsync<{ store: Store; media: MediaFiles }> = async (parent, { store, media }) => {
  registerResource(parent, store, {
    entity: 'mailbox',
    path: '/mailboxes',
    description: 'voice mailboxes of the tenant, its departments and its people',
    roles: { read: readers, write: ['tenant_admin'] },
    filter: z.object({ q: searchText }),
    body: fields.partial({ ownerId: true, greeting: true, maxMessages: true }),
    patch: fields.partial(),
    list: async (repos, tenant, filter, page) => {
      const found = await repos.mailboxes.list(tenant.id, filter, page);
      return { ...found, items: found.items.map(shown) };
    },
    get: async (repos, tenant, id) => {
      const row = await repos.mailboxes.get(tenant.id, id);
      return row === undefined ? undefined : shown(row);
    },
    create: async (repos, tenant, body) => {
      const { pinHash, ...rest } = await withPin(body);
      return shown(await repos.mailboxes.create(tenant.id, { ...rest, pinHash: pinHash! }));
    },
    update: async (repos, tenant, id, version, patch) => shown(await repos.mailboxes.update(tenant.id, id, version, await withPin(patch))),
    remove: async (repos, tenant, id) => {
      const row = await repos.mailboxes.get(tenant.id, id);
      if (row === undefined) return undefined;
      const messages = await repos.mailboxes.messages(tenant.id, id);
      await repos.mailboxes.remove(tenant.id, id);
      return { ...shown(row), files: messages.map((m) => m.file) };
    },
    removed: async (row) => {
      for (const file of row.files ?? []) await media.remove(file);
    },
  });

  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['mailboxes'];
  const messageParams = idParams.extend({ messageId: z.uuid('must be a UUID') });

  app.get(
    '/mailboxes/:id/messages',
    {
      config: { roles: readers },
      schema: { tags, summary: 'Messages in a mailbox, oldest first', params: idParams, querystring: z.object({ unheard: z.enum(['true', 'false']).optional() }) },
    },
    async (request) => {
      const { tenant } = actor(request);
      const mailbox = await mailboxOf(store.repos, tenant, request.params.id);
      return { items: await store.repos.mailboxes.messages(tenant.id, mailbox.id, { unheard: request.query.unheard === 'true' }) };
    },
  );

  const messageOf = async (tenant: TenantRow, params: { id: string; messageId: string }) => {
    const message = await store.repos.mailboxes.message(tenant.id, params.messageId);
    if (message === undefined || message.mailboxId !== params.id) throw new NotFoundError('message not found');
    return message;
  };

  app.get(
    '/mailboxes/:id/messages/:messageId/audio',
    { config: { roles: readers }, schema: { tags, summary: 'A message as a WAV file', params: messageParams } },
    async (request, reply) => {
      const message = await messageOf(actor(request).tenant, request.params);
      return reply.type('audio/wav').header('content-length', message.sizeBytes).send(media.read(message.file));
    },
  );

  app.post(
    '/mailboxes/:id/messages/:messageId/heard',
    { config: { roles: readers }, schema: { tags, summary: 'Mark a message heard', params: messageParams } },
    async (request) => {
      const { tenant } = actor(request);
      const message = await messageOf(tenant, request.params);
      return store.repos.mailboxes.markHeard(tenant.id, message.id, new Date());
    },
  );

  app.delete(
    '/mailboxes/:id/messages/:messageId',
    { config: { roles: readers }, schema: { tags, summary: 'Delete a message and its audio', params: messageParams } },
    async (request, reply) => {
      const { tenant } = actor(request);
      const message = await messageOf(tenant, request.params);
      await store.transaction(async (repos) => {
        await repos.mailboxes.removeMessage(tenant.id, message.id);
        await audit(repos, request, { action: 'delete', entity: 'voicemail', id: message.id, before: message });
      });
      await media.remove(message.file);
      return reply.code(204).send();
    },
  );
};
