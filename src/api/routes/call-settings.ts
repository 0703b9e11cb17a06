import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { blacklistActions, scheduleModes, type Store } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';

const changes = z.object({
  /** The version read; 0 while the tenant has never changed its settings. */
  version: z.number().int().min(0),
  blacklistAction: z.enum(blacklistActions).optional(),
  refusalPrompt: z.string().regex(/^[\w.-]{1,100}$/, 'a prompt name').nullable().optional(),
  whitelistOnly: z.boolean().optional(),
  scheduleMode: z.enum(scheduleModes).optional(),
});

/**
 * How the tenant's calls are screened and scheduled (FEATURES B9, B10): what a refused caller
 * gets, whitelist-only mode, and the night switch (`scheduleMode`: `day` or `night` overrides
 * every schedule of the tenant's flows, `auto` follows the clock and the calendar).
 */
export const callSettingsRoutes: FastifyPluginAsync<{ store: Store }> = async (parent, { store }) => {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['call-settings'];

  app.get('/call-settings', { config: { roles: ['tenant_admin', 'supervisor'] }, schema: { tags, summary: 'The call settings' } }, async (request) =>
    store.repos.callSettings.get(actor(request).tenant.id),
  );

  app.put(
    '/call-settings',
    {
      config: { roles: ['tenant_admin'] },
      schema: { tags, summary: 'Change the call settings; fields left out keep their values; send the version you read (409 if it changed since)', body: changes },
    },
    async (request) => {
      const { tenant } = actor(request);
      const { version, ...patch } = request.body;
      return store.transaction(async (repos) => {
        const before = await repos.callSettings.get(tenant.id);
        const action = patch.blacklistAction ?? before.blacklistAction;
        const prompt = patch.refusalPrompt === undefined ? before.refusalPrompt : patch.refusalPrompt;
        if (action === 'play-and-hang-up' && prompt === null) {
          throw new ValidationError('play-and-hang-up needs a prompt to play', [{ path: 'refusalPrompt', message: 'name the prompt refused callers hear' }]);
        }
        if (patch.refusalPrompt !== undefined && patch.refusalPrompt !== null && (await repos.prompts.byName(tenant.id, patch.refusalPrompt)) === undefined) {
          throw new ValidationError(`prompt ${patch.refusalPrompt} does not exist`, [{ path: 'refusalPrompt', message: 'no such prompt' }]);
        }
        const after = await repos.callSettings.update(tenant.id, version, patch);
        await audit(repos, request, { action: 'update', entity: 'call settings', id: tenant.id, before, after });
        return after;
      });
    },
  );
};
