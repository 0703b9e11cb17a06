import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { actor } from '../auth.js';

/**
 * What the agent desktop's softphone needs to sign in to SIP: the agent's extension, the SIP
 * domain (the tenant's realm) and the WebSocket path on this origin. No password: the page's
 * login cookie on the WebSocket upgrade stands for the extension (api/sip-login.ts).
 */
export const softphoneRoutes: FastifyPluginAsyncZod<{ store: Store; webSocketPath: string }> = async (app, { store, webSocketPath }) => {
  app.get(
    '/agents/me/phone',
    { config: { roles: ['tenant_admin', 'supervisor', 'agent'] }, schema: { tags: ['agent states'], summary: 'The logged-in agent\'s softphone: extension, SIP domain, SIP WebSocket path' } },
    async (request) => {
      const { principal, tenant } = actor(request);
      const agent = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      if (agent === undefined) throw new NotFoundError('you are not an agent of this tenant');
      return { extension: agent.extension, domain: tenant.sipRealm, webSocketPath };
    },
  );
};
