import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { AgentHelpData, EventHub } from '../../events/index.js';
import type { Store } from '../../store/index.js';
import { actor } from '../auth.js';

const supervisors = ['tenant_admin', 'supervisor'] as const;

/** Open requests kept per tenant: a wallboard opened later still shows who waits for help. */
const keptPerTenant = 200;

/**
 * "Call supervisor" from the agent desktop (issue 7, FEATURES E2): the agent's request goes to
 * the supervisors as `agent.help` and stays open on the node until one of them answers it
 * (`agent.help_answered`, which the agent sees too). The open requests live in this node's
 * memory: they are a shout across the floor, not a record, and a restart forgets them.
 */
export const agentHelpRoutes: FastifyPluginAsyncZod<{ store: Store; events: EventHub }> = async (app, { store, events }) => {
  const open = new Map<string, Map<string, AgentHelpData & { at: string }>>();
  const of = (tenantId: string) => open.get(tenantId) ?? open.set(tenantId, new Map()).get(tenantId)!;

  app.post(
    '/agents/me/help',
    {
      config: { roles: ['agent'] },
      schema: { tags: ['agent states'], summary: 'Ask a supervisor for help: they see it on the wallboard at once', body: z.object({ note: z.string().trim().max(200).optional() }).strict() },
    },
    async (request, reply) => {
      const { principal, tenant } = actor(request);
      const agent = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      if (agent === undefined) throw new NotFoundError('you are not an agent of this tenant');
      const data: AgentHelpData = { helpId: randomUUID(), agentId: agent.id, extension: agent.extension, displayName: agent.displayName, note: request.body.note || null };
      const requests = of(tenant.id);
      // One open request per agent: asking again replaces the earlier one.
      for (const [id, earlier] of requests) if (earlier.agentId === agent.id) requests.delete(id);
      if (requests.size >= keptPerTenant) requests.delete(requests.keys().next().value!);
      const published = events.publish(tenant.id, { type: 'agent.help', data });
      requests.set(data.helpId, { ...data, at: published.at });
      return reply.code(201).send({ ...data, at: published.at });
    },
  );

  app.get('/agent-help', { config: { roles: supervisors }, schema: { tags: ['agent states'], summary: 'Help requests of agents not answered yet, oldest first' } }, async (request) => ({
    items: [...of(actor(request).tenant.id).values()],
  }));

  app.post(
    '/agent-help/:helpId/answer',
    {
      config: { roles: supervisors },
      schema: { tags: ['agent states'], summary: 'Take up an agent\'s help request: it leaves every wallboard and the agent is told', params: z.object({ helpId: z.uuid() }) },
    },
    async (request, reply) => {
      const { principal, tenant } = actor(request);
      const requests = of(tenant.id);
      const found = requests.get(request.params.helpId);
      if (found === undefined) throw new NotFoundError('no such help request open');
      requests.delete(found.helpId);
      events.publish(tenant.id, { type: 'agent.help_answered', data: { helpId: found.helpId, agentId: found.agentId, by: principal.name } });
      return reply.code(204).send();
    },
  );
};
