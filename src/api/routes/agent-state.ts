import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { agentEndpoints, type AgentCommand, type RoutingService } from '../../routing/index.js';
import type { Store } from '../../store/index.js';
import { actor } from '../auth.js';

const supervisors = ['tenant_admin', 'supervisor'] as const;
const everyone = ['tenant_admin', 'supervisor', 'agent'] as const;

const action = z.discriminatedUnion('action', [
  // `endpoint`: the agent's phones (a desk phone or the desktop's softphone), or `remote`: the outside number of their record (A4).
  z.object({ action: z.literal('login'), reason: z.string().min(1).max(50).optional(), endpoint: z.enum(agentEndpoints).optional() }).strict(),
  z.object({ action: z.literal('logout') }).strict(),
  z.object({ action: z.literal('ready') }).strict(),
  z.object({ action: z.literal('not_ready'), reason: z.string().min(1).max(50) }).strict(),
  z.object({ action: z.literal('end_wrap_up') }).strict(),
  z.object({ action: z.literal('extend_wrap_up'), seconds: z.number().int().min(1).max(3600) }).strict(),
]);

/**
 * Agent states (D1) and queue figures: an agent logs in, goes ready or not ready with a reason,
 * ends or extends wrap-up, and logs out; a supervisor does the same to any agent of the tenant,
 * which is recorded as forced by them. `me` names the agent the logged-in user is.
 */
export const agentStateRoutes: FastifyPluginAsyncZod<{ store: Store; routing: RoutingService }> = async (app, { store, routing }) => {
  /** The agent's id from the path, checked against who asks: an agent may act only on themself. */
  async function agentOf(request: Parameters<typeof actor>[0], id: string): Promise<{ agentId: string; self: boolean; by: string }> {
    const { principal, tenant } = actor(request);
    const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
    const agentId = id === 'me' ? own?.id : id;
    if (agentId === undefined) throw new NotFoundError('you are not an agent of this tenant');
    const self = own?.id === agentId;
    if (!self && !principal.roles.some((role) => (supervisors as readonly string[]).includes(role))) throw new ForbiddenError('only a supervisor changes another agent\'s state');
    return { agentId, self, by: principal.name };
  }

  const params = z.object({ id: z.union([z.literal('me'), z.uuid()]) });

  app.get(
    '/agents/:id/state',
    { config: { roles: everyone }, schema: { tags: ['agent states'], summary: 'An agent\'s state now (logged out until they log in)', params } },
    async (request) => {
      const { agentId } = await agentOf(request, request.params.id);
      const view = await routing.agent(actor(request).tenant.id, agentId);
      if (view === undefined) throw new NotFoundError('no such agent, or the agent is disabled');
      return view;
    },
  );

  app.get(
    '/agents/:id/offer',
    {
      config: { roles: everyone },
      schema: { tags: ['agent states'], summary: 'The interaction offered to the agent or in progress, with its screen pop: customer, history, IVR path (C6)', params },
    },
    async (request) => {
      const { agentId } = await agentOf(request, request.params.id);
      const offer = await routing.current(actor(request).tenant.id, agentId);
      if (offer === undefined) throw new NotFoundError('the agent has no offer or interaction now');
      return offer;
    },
  );

  app.post(
    '/agents/:id/state',
    {
      config: { roles: everyone },
      schema: { tags: ['agent states'], summary: 'Log in (at the phones, or remotely at the agent\'s outside number), go ready or not ready, end or extend wrap-up, log out', params, body: action },
    },
    async (request) => {
      const { agentId, self, by } = await agentOf(request, request.params.id);
      const body = request.body;
      const presence = { login: 'ready', logout: 'logged_out', ready: 'ready', not_ready: 'not_ready' } as const;
      let command: AgentCommand;
      if (body.action === 'end_wrap_up') command = { type: 'endWrapUp' };
      else if (body.action === 'extend_wrap_up') command = { type: 'extendWrapUp', seconds: body.seconds };
      else if (!self) {
        command = { type: 'force', to: body.action === 'login' && body.reason !== undefined ? 'not_ready' : presence[body.action], by, ...('reason' in body && body.reason !== undefined ? { reason: body.reason } : {}) };
        if (body.action === 'login') command.endpoint = body.endpoint ?? 'phone';
      } else if (body.action === 'login') command = { type: 'login', ...(body.reason === undefined ? {} : { reason: body.reason }), ...(body.endpoint === undefined ? {} : { endpoint: body.endpoint }) };
      else if (body.action === 'not_ready') command = { type: 'notReady', reason: body.reason };
      else command = { type: body.action };
      return routing.command(actor(request).tenant.id, agentId, command);
    },
  );

  app.get('/agent-states/now', { config: { roles: supervisors }, schema: { tags: ['agent states'], summary: 'Every agent\'s state now' } }, async (request) => ({
    items: await routing.agents(actor(request).tenant.id),
  }));

  app.get(
    '/queues/:name/stats',
    {
      config: { roles: everyone },
      schema: { tags: ['queues'], summary: 'A queue now: waiting, longest wait, service level, agents by state', params: z.object({ name: z.string().min(1).max(200) }) },
    },
    async (request) => {
      const stats = await routing.stats(actor(request).tenant.id, request.params.name);
      if (stats === undefined) throw new NotFoundError('no such queue');
      return stats;
    },
  );
};
