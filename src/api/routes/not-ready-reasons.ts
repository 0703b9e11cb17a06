import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roles as allRoles } from '../../directory/index.js';
import type { Store } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';

const reason = z
  .object({
    code: z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/, '1 to 40 of a-z 0-9 _ -')
      .refine((code) => code !== 'missed', 'missed is routing\'s own reason (ring-no-answer)'),
    name: z.string().trim().min(1).max(50),
    nameEn: z.string().trim().min(1).max(50),
  })
  .strict();

/**
 * The tenant's not-ready reason codes (FEATURES D1): every user reads them (the desktop lists
 * them), an administrator replaces the list. `POST /agents/…/state {"action":"not_ready"}` takes
 * only these (and routing's own `missed`), from the moment the list is replaced.
 */
export const notReadyReasonRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  const tags = ['agents'];
  app.get('/not-ready-reasons', { config: { roles: allRoles }, schema: { tags, summary: 'The not-ready reasons agents may give, in order (the built-in ones until the tenant sets its own)' } }, async (request) => ({
    items: await store.repos.notReadyReasons.list(actor(request).tenant.id),
  }));

  app.put(
    '/not-ready-reasons',
    {
      config: { roles: ['tenant_admin'] },
      schema: {
        tags,
        summary: 'Replace the not-ready reasons; agents not ready with a reason no longer listed keep it until they change state',
        body: z
          .object({ items: z.array(reason).min(1).max(50) })
          .strict()
          .refine((body) => new Set(body.items.map((item) => item.code)).size === body.items.length, { message: 'each code once', path: ['items'] }),
      },
    },
    async (request) => {
      const { tenant } = actor(request);
      const before = await store.repos.notReadyReasons.list(tenant.id);
      const items = await store.repos.notReadyReasons.replace(tenant.id, request.body.items);
      await audit(store.repos, request, { action: 'update', entity: 'not-ready reasons', id: tenant.id, before: { items: before }, after: { items } });
      return { items };
    },
  );
};
