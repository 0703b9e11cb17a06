import type { FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { Store } from '../store/index.js';
import { actor } from './auth.js';

/**
 * Whose work a request may see or act on: undefined when the caller holds one of `wide` (a
 * supervisor, say: the whole tenant's), else the id of the agent the logged-in user is, so that an
 * agent's desktop reads and moves only the agent's own interactions.
 */
export async function agentScope(store: Store, request: FastifyRequest, wide: readonly string[]): Promise<string | undefined> {
  const { principal, tenant } = actor(request);
  if (principal.roles.some((role) => wide.includes(role))) return undefined;
  const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
  if (own === undefined) throw new ForbiddenError('only an agent sees their own interactions');
  return own.id;
}

/**
 * The interaction with its timeline, if who asks may see it: one holding `wide` sees every one of
 * the tenant; an agent, one offered to or answered by them. Else NotFoundError, as for one that
 * does not exist.
 */
export async function visibleInteraction(store: Store, request: FastifyRequest, id: string, wide: readonly string[]) {
  const tenantId = actor(request).tenant.id;
  const agentId = await agentScope(store, request, wide);
  const row = await store.repos.routing.getInteraction(tenantId, id);
  if (row === undefined) throw new NotFoundError('interaction not found');
  const timeline = await store.repos.routing.timeline(tenantId, row.id);
  if (agentId !== undefined && row.agentId !== agentId && !timeline.some((entry) => entry.agentId === agentId)) throw new NotFoundError('interaction not found');
  return { row, timeline, agentId };
}
