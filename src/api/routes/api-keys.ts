import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor, newToken, sha256 } from '../auth.js';
import { idParams, role } from '../schemas.js';

const admins = ['tenant_admin'] as const;

/**
 * API keys for integrations (FEATURES I3): `Authorization: Bearer <key>`. The key is shown once,
 * in the answer that creates it; the store keeps only its SHA-256. A key acts with the roles it
 * was given, never platform_admin unless its creator holds it.
 */
export const apiKeyRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.get('/api-keys', { config: { roles: admins }, schema: { tags: ['api-keys'], summary: 'List API keys (never the keys)' } }, async (request) => ({
    items: await store.repos.apiKeys.list(actor(request).tenant.id),
  }));

  app.post(
    '/api-keys',
    {
      config: { roles: admins },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the answer holds the key, shown this once',
        body: z.object({ name: z.string().trim().min(1).max(100), roles: z.array(role).min(1).max(10) }),
      },
    },
    async (request, reply) => {
      const { principal, tenant } = actor(request);
      // Only administrators create keys; within a tenant they may grant any role, but
      // platform_admin only a platform administrator may pass on.
      const index = request.body.roles.indexOf('platform_admin');
      if (index >= 0 && !principal.roles.includes('platform_admin')) {
        throw new ForbiddenError('a key cannot hold a role its creator does not: platform_admin', [
          { path: `roles.${index}`, message: 'not held by you' },
        ]);
      }
      const prefix = `kefu_${randomBytes(6).toString('base64url')}`;
      const key = `${prefix}_${newToken()}`;
      const created = await store.transaction(async (repos) => {
        const row = await repos.apiKeys.create(tenant.id, {
          name: request.body.name,
          prefix,
          keyHash: sha256(key),
          roles: request.body.roles,
          createdBy: principal.kind === 'user' ? principal.id : null,
        });
        await audit(repos, request, { action: 'create', entity: 'api_key', id: row.id, after: row });
        return row;
      });
      return reply.code(201).send({ ...created, key });
    },
  );

  app.delete(
    '/api-keys/:id',
    { config: { roles: admins }, schema: { tags: ['api-keys'], summary: 'Revoke an API key: it stops working at once', params: idParams } },
    async (request, reply) => {
      const tenantId = actor(request).tenant.id;
      await store.transaction(async (repos) => {
        const before = await repos.apiKeys.get(tenantId, request.params.id);
        const after = await repos.apiKeys.revoke(tenantId, request.params.id);
        if (after === undefined) throw new NotFoundError('API key not found or already revoked');
        await audit(repos, request, { action: 'delete', entity: 'api_key', id: after.id, before, after });
      });
      return reply.code(204).send();
    },
  );
};
