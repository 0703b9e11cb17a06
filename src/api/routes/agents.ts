import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createAgent, removeAgent, updateAgent } from '../../directory/index.js';
import { NotFoundError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';
import { registerResource } from '../resource.js';
import { extension, idParams, password, role, searchText, skills } from '../schemas.js';

/** Where a remote agent takes calls (A4): a number the tenant's trunks dial, as the agent would dial it. */
const outsideNumber = z.string().regex(/^\+?[0-9]{3,20}$/, 'an outside number: 3 to 20 digits, optionally after +');

const taskRole = role.exclude(['platform_admin', 'tenant_admin']);

const body = z.object({
  username: z.string().regex(/^[\w.@-]{1,64}$/, '1 to 64 letters, digits or . @ - _'),
  displayName: z.string().trim().min(1).max(100),
  password,
  extension,
  sipPassword: password,
  skills: skills.default({}),
  remoteNumber: outsideNumber.nullable().optional(),
  roles: z.array(taskRole).max(10).optional(),
});

const patch = z.object({
  displayName: z.string().trim().min(1).max(100),
  disabled: z.boolean(),
  extension,
  sipPassword: password,
  skills,
  remoteNumber: outsideNumber.nullable(),
});

/**
 * Agents: users who take calls, with an extension, SIP credentials (kept only as digest hashes),
 * skills with levels 1 to 10, and the outside number they may take calls on remotely (A4).
 */
export const agentRoutes: FastifyPluginAsync<{ store: Store }> = async (parent, { store }) => {
  registerResource(parent, store, {
    entity: 'agent',
    path: '/agents',
    description: 'agents with extension and skills',
    roles: { read: ['tenant_admin', 'supervisor', 'agent', 'dispatcher'], write: ['tenant_admin'] },
    filter: z.object({ q: searchText, skill: searchText }),
    body,
    patch: patch.partial(),
    list: (repos, tenant, filter, page) => repos.agents.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.agents.get(tenant.id, id),
    create: (repos, tenant, input) => createAgent(repos, tenant, input),
    update: (repos, tenant, id, version, changes) => updateAgent(repos, tenant, id, version, changes),
    remove: (repos, tenant, id) => removeAgent(repos, tenant.id, id),
  });

  // A supervisor changes an agent's skills during the shift (D5): the whole set at once, with no
  // version to carry, since nothing else of the agent changes; routing uses it for the next match.
  parent.withTypeProvider<ZodTypeProvider>().put(
    '/agents/:id/skills',
    {
      config: { roles: ['tenant_admin', 'supervisor'] },
      schema: { tags: ['agents'], summary: 'Replace an agent\'s skills and levels, live', params: idParams, body: z.object({ skills }).strict() },
    },
    async (request) => {
      const { tenant } = actor(request);
      return store.transaction(async (repos) => {
        const before = await repos.agents.get(tenant.id, request.params.id);
        if (before === undefined) throw new NotFoundError('agent not found');
        const after = await updateAgent(repos, tenant, before.id, before.version, { skills: request.body.skills });
        await audit(repos, request, { action: 'update', entity: 'agent', id: after.id, before, after });
        return after;
      });
    },
  );
};
