import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KefuError, NotFoundError } from '../../errors.js';
import { interactionStates, type Store } from '../../store/index.js';
import { agentScope, visibleInteraction } from '../agent-scope.js';
import { actor } from '../auth.js';
import { idParams, pageQuery } from '../schemas.js';

/** They see every interaction of the tenant; an agent sees those offered to or answered by them. */
const wide = ['tenant_admin', 'supervisor', 'statistician'] as const;
const readers = [...wide, 'agent'] as const;
/** The interaction cannot take that now (a wrap-up of a call nobody answered). */
export class InteractionStateError extends KefuError {
  readonly code = 'ERR_INTERACTION_STATE';
}

const period = {
  /** Created (or changed state, for the agent log) at or after. */
  since: z.coerce.date().optional(),
  /** Before. */
  until: z.coerce.date().optional(),
};

/**
 * What routing leaves behind (issue 6 items 2 and 9): every interaction with its timeline
 * (queued, offered to whom and when, answered, transfers, wrap-up, how it ended), and every
 * change of an agent's state. Read-only: routing writes them.
 */
export const interactionRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/interactions',
    {
      config: { roles: readers },
      schema: {
        tags: ['interactions'],
        summary: 'Interactions of every channel, newest first (an agent: those they answered, transferred on since or not)',
        querystring: z.object({ ...pageQuery, ...period, state: z.enum(interactionStates).optional(), queue: z.string().min(1).max(100).optional() }),
      },
    },
    async (request) => {
      const { limit, offset, since, until, ...filter } = request.query;
      const agentId = await agentScope(store, request, wide);
      return store.repos.routing.listInteractions(actor(request).tenant.id, { ...filter, answeredBy: agentId, from: since, to: until }, { limit, offset });
    },
  );

  const visible = (request: Parameters<typeof actor>[0], id: string) => visibleInteraction(store, request, id, wide);

  app.get(
    '/interactions/:id',
    { config: { roles: readers }, schema: { tags: ['interactions'], summary: 'One interaction with its timeline, oldest entry first (an agent: one offered to them)', params: idParams } },
    async (request) => {
      const { row, timeline } = await visible(request, request.params.id);
      return { ...row, timeline };
    },
  );

  app.post(
    '/interactions/:id/wrap-up',
    {
      config: { roles: ['tenant_admin', 'supervisor', 'agent'] },
      schema: {
        tags: ['interactions'],
        summary: 'Wrap up an answered interaction: a disposition code and a note (the latest is kept, the timeline has every one)',
        params: idParams,
        body: z
          .object({
            disposition: z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/, '1 to 50 letters, digits, _ . -'),
            note: z.string().max(2000).optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      const { row, timeline, agentId } = await visible(request, request.params.id);
      // An agent wraps up only what they answered (and may have transferred on), not what was merely offered to them.
      const transferredBy = timeline.some((entry) => entry.kind === 'transferred' && entry.agentId === agentId);
      if (agentId !== undefined && row.agentId !== agentId && !transferredBy) throw new NotFoundError('interaction not found');
      if (row.answeredAt === null || row.agentId === null) throw new InteractionStateError('nobody answered this interaction: there is nothing to wrap up');
      const { principal, tenant } = actor(request);
      const note = request.body.note ?? null;
      const wrapped = await store.repos.routing.wrapUp(tenant.id, row.id, { disposition: request.body.disposition, note, by: principal.name, at: new Date() });
      if (wrapped === undefined) throw new NotFoundError('interaction not found');
      app.events.publish(tenant.id, {
        type: 'interaction.wrapped_up',
        data: { interactionId: row.id, agentId: agentId ?? row.agentId, disposition: request.body.disposition, note, by: principal.name },
      });
      return wrapped;
    },
  );

  app.get(
    '/agent-states',
    {
      config: { roles: wide },
      schema: {
        tags: ['agent-states'],
        summary: 'Every change of an agent\'s state (logged out, ready, not ready with its reason, reserved, busy, wrap-up), newest first',
        querystring: z.object({ ...pageQuery, ...period, agent_id: z.uuid('must be a UUID').optional() }),
      },
    },
    async (request) => {
      const { limit, offset, since, until, agent_id: agentId } = request.query;
      return store.repos.routing.agentStateLog(actor(request).tenant.id, { agentId, from: since, to: until }, { limit, offset });
    },
  );
};
