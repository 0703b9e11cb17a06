import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InUseError, NotFoundError, ValidationError } from '../../errors.js';
import { queueSettingsSchema } from '../../routing/index.js';
import type { Repositories, Store, TenantRow } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';
import { pageQuery, version } from '../schemas.js';

const readers = ['tenant_admin', 'supervisor', 'agent'] as const;
const writers = ['tenant_admin', 'supervisor'] as const;
const tags = ['queues'];

const name = z.string().regex(/^[\w-]{1,100}$/, '1 to 100 letters, digits, - or _');
const nameParams = z.object({ name });
/**
 * Routing's queue settings without `id` (the queue's name is its id). The fields are checked
 * here, one by one; the rules across fields (a maximum wait needs an overflow target …) are
 * routing's own schema's, applied in `checked` with the name.
 */
const settings = z.object(queueSettingsSchema.shape).omit({ id: true }).strict();

/** The settings as routing will run them (defaults filled in), or a 400 naming the field. */
async function checked(repos: Repositories, tenant: TenantRow, queue: string, given: object | undefined): Promise<Record<string, unknown>> {
  const parsed = queueSettingsSchema.safeParse({ ...given, id: queue });
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ path: ['settings', ...issue.path].join('.'), message: issue.message }));
    throw new ValidationError(`invalid settings: ${details.map((d) => d.path).join(', ')}`, details);
  }
  const { id, ...config } = parsed.data;
  const overflow = config.overflow;
  if (overflow?.kind === 'queue' && (await repos.queues.get(tenant.id, overflow.queue)) === undefined) {
    throw new ValidationError(`queue ${id} overflows to ${overflow.queue}, which does not exist`, [{ path: 'settings.overflow.queue', message: 'no such queue' }]);
  }
  return config;
}

/**
 * A tenant's queues (issue 6): how each picks among its agents, rings, wraps up, overflows and
 * measures its service level. The body's `settings` are routing's queue settings; a queue is
 * addressed by its name.
 */
export const queueRoutes: FastifyPluginAsync<{ store: Store }> = async (parent, { store }) => {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const notFound = () => new NotFoundError('queue not found');

  app.get('/queues', { config: { roles: readers }, schema: { tags, summary: 'The queues, by name', querystring: z.object(pageQuery) } }, async (request) =>
    store.repos.queues.list(actor(request).tenant.id, request.query),
  );

  app.get('/queues/:name', { config: { roles: readers }, schema: { tags, summary: 'One queue', params: nameParams } }, async (request) => {
    const row = await store.repos.queues.get(actor(request).tenant.id, request.params.name);
    if (row === undefined) throw notFound();
    return row;
  });

  app.post(
    '/queues',
    {
      config: { roles: writers },
      schema: { tags, summary: 'Create a queue; settings left out take routing\'s defaults', body: z.object({ name, settings: settings.optional() }) },
    },
    async (request, reply) => {
      const { tenant } = actor(request);
      const created = await store.transaction(async (repos) => {
        const row = await repos.queues.create(tenant.id, { name: request.body.name, settings: await checked(repos, tenant, request.body.name, request.body.settings) });
        await audit(repos, request, { action: 'create', entity: 'queue', id: row.id, after: row });
        return row;
      });
      return reply.code(201).send(created);
    },
  );

  app.put(
    '/queues/:name',
    {
      config: { roles: writers },
      schema: {
        tags,
        summary: 'Replace a queue\'s settings (fields left out take the defaults); send the version you read (409 if it changed since)',
        params: nameParams,
        body: z.object({ version, settings }),
      },
    },
    async (request) => {
      const { tenant } = actor(request);
      return store.transaction(async (repos) => {
        const before = await repos.queues.get(tenant.id, request.params.name);
        if (before === undefined) throw notFound();
        const after = await repos.queues.update(tenant.id, before.name, request.body.version, await checked(repos, tenant, before.name, request.body.settings));
        await audit(repos, request, { action: 'update', entity: 'queue', id: after.id, before, after });
        return after;
      });
    },
  );

  app.delete(
    '/queues/:name',
    { config: { roles: writers }, schema: { tags, summary: 'Delete a queue no other queue overflows to', params: nameParams } },
    async (request, reply) => {
      const { tenant } = actor(request);
      await store.transaction(async (repos) => {
        const referring = await repos.queues.overflowingTo(tenant.id, request.params.name);
        if (referring.length > 0) {
          throw new InUseError(`queue ${request.params.name} is the overflow target of ${referring.join(', ')}`, [
            { path: 'name', message: `overflow target of ${referring.join(', ')}` },
          ]);
        }
        const before = await repos.queues.remove(tenant.id, request.params.name);
        if (before === undefined) throw notFound();
        await audit(repos, request, { action: 'delete', entity: 'queue', id: before.id, before });
      });
      return reply.code(204).send();
    },
  );
};
