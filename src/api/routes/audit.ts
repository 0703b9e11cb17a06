import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/index.js';
import { actor } from '../auth.js';
import { pageQuery } from '../schemas.js';

/** The audit log: every change made through the API, newest first. */
export const auditRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/audit',
    {
      config: { roles: ['tenant_admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Changes made through the API: who, when, what, before and after',
        querystring: z.object({
          ...pageQuery,
          entity: z.string().max(40).optional(),
          entityId: z.string().max(100).optional(),
          actorId: z.uuid().optional(),
          since: z.coerce.date().optional(),
          until: z.coerce.date().optional(),
        }),
      },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query;
      return store.repos.audit.list(actor(request).tenant.id, filter, { limit, offset });
    },
  );
};
