import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { createAgent, removeAgent, updateAgent } from '../../directory/index.js';
import type { Store } from '../../store/index.js';
import { registerResource } from '../resource.js';
import { extension, password, role, searchText, skills } from '../schemas.js';

const taskRole = role.exclude(['platform_admin', 'tenant_admin']);

const body = z.object({
  username: z.string().regex(/^[\w.@-]{1,64}$/, '1 to 64 letters, digits or . @ - _'),
  displayName: z.string().trim().min(1).max(100),
  password,
  extension,
  sipPassword: password,
  skills: skills.default({}),
  roles: z.array(taskRole).max(10).optional(),
});

const patch = z.object({
  displayName: z.string().trim().min(1).max(100),
  disabled: z.boolean(),
  extension,
  sipPassword: password,
  skills,
});

/**
 * Agents: users who take calls, with an extension, SIP credentials (kept only as digest hashes)
 * and skills with levels 1 to 10.
 */
export const agentRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  registerResource(app, store, {
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
};
