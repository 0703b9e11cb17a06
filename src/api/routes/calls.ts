import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallService } from '../../calls/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { VoiceService } from '../../flows/index.js';
import type { Store } from '../../store/index.js';
import { agentScope } from '../agent-scope.js';
import { actor } from '../auth.js';

const supervisors = ['tenant_admin', 'supervisor'] as const;
/** Supervisors transfer any call; an agent only the caller connected to them now. */
const transferrers = [...supervisors, 'agent'] as const;

/**
 * Calls in progress (list, hang up) and calls placed by Kefu: `POST /calls` rings a phone and,
 * once answered, runs a flow on the call (callbacks, tests).
 */
export const callRoutes: FastifyPluginAsyncZod<{ store: Store; calls: CallService; voice: VoiceService }> = async (app, { store, calls, voice }) => {
  app.get('/calls', { config: { roles: supervisors }, schema: { tags: ['calls'], summary: 'Calls in progress' } }, async (request) => ({
    items: calls.liveCalls(actor(request).tenant.id),
  }));

  app.delete(
    '/calls/:sipCallId',
    {
      config: { roles: supervisors },
      schema: { tags: ['calls'], summary: 'Hang up a call in progress', params: z.object({ sipCallId: z.string().min(1).max(256) }) },
    },
    async (request, reply) => {
      if (!(await calls.hangup(actor(request).tenant.id, request.params.sipCallId))) throw new NotFoundError('no such call in progress');
      return reply.code(204).send();
    },
  );

  const callParams = z.object({ sipCallId: z.string().min(1).max(256) });

  /** Refuses (404, as for a call that does not exist) an agent's transfer of a call not connected to them. */
  async function mayTransfer(request: Parameters<typeof actor>[0], sipCallId: string): Promise<void> {
    const agentId = await agentScope(store, request, supervisors);
    if (agentId === undefined) return;
    const mine = await store.repos.routing.listInteractions(actor(request).tenant.id, { sipCallId, agentId, state: 'connected' }, { limit: 1, offset: 0 });
    if (mine.items.length === 0) throw new NotFoundError('no such call in progress');
  }

  app.post(
    '/calls/:sipCallId/transfer',
    {
      config: { roles: transferrers },
      schema: {
        tags: ['calls'],
        summary: 'Transfer a caller connected to an agent: blind, or attended (the agent consults the target first)',
        params: callParams,
        body: z.object({
          /** An extension or a number the tenant can dial. */
          to: z.string().regex(/^\+?[0-9*#]{1,32}$/, 'an extension or phone number'),
          mode: z.enum(['blind', 'attended']).default('blind'),
        }),
      },
    },
    async (request) => {
      await mayTransfer(request, request.params.sipCallId);
      const result = await calls.transfer(actor(request).tenant.id, request.params.sipCallId, request.body.to, request.body.mode);
      if (result === undefined) throw new NotFoundError('no such call in progress');
      return result;
    },
  );

  app.post(
    '/calls/:sipCallId/transfer/:how',
    {
      config: { roles: transferrers },
      schema: {
        tags: ['calls'],
        summary: 'Finish an attended transfer: complete joins the caller and the target; cancel returns the caller to the agent',
        params: callParams.extend({ how: z.enum(['complete', 'cancel']) }),
      },
    },
    async (request, reply) => {
      await mayTransfer(request, request.params.sipCallId);
      if (!(await calls.finishTransfer(actor(request).tenant.id, request.params.sipCallId, request.params.how))) throw new NotFoundError('no such call in progress');
      return reply.code(204).send();
    },
  );

  app.post(
    '/calls',
    {
      config: { roles: supervisors },
      schema: {
        tags: ['calls'],
        summary: 'Place a call to an extension, or to an outside number through a trunk, and run a flow on it once answered',
        body: z.object({
          /** An extension, or a number one of the tenant's trunks (or a shared one) takes. */
          to: z.string().regex(/^\+?[0-9*#]{2,32}$/, 'an extension or phone number'),
          flow: z.string().min(1).max(100),
          /** The caller ID the phone shows; the tenant's first number by default. */
          from: z.string().regex(/^\+?[0-9]{2,20}$/).optional(),
          timeoutSeconds: z.number().int().min(5).max(120).default(30),
        }),
      },
    },
    async (request, reply) => {
      const { tenant } = actor(request);
      const { to, flow, timeoutSeconds } = request.body;
      const numbers = await store.repos.numbers.list(tenant.id, {}, { limit: 1, offset: 0 });
      const from = request.body.from ?? numbers.items[0]?.number ?? tenant.slug;
      const serve = await voice.outbound(tenant, flow, to, from);
      if (serve === undefined) throw new ValidationError(`flow ${flow} has no published version`, [{ path: 'flow', message: 'no published flow of this name' }]);
      const phones = await voice.reach(tenant, to, { tenantNumber: from, caller: undefined });
      if (phones.length === 0) throw new ValidationError(`${to} cannot be reached`, [{ path: 'to', message: 'no registered phone, and no trunk takes this number' }]);
      const sipCallId = await calls.originate({ owner: tenant.id, from, to, phones, timeoutMs: timeoutSeconds * 1000, serve });
      if (sipCallId === undefined) return reply.code(200).send({ answered: false });
      return reply.code(201).send({ answered: true, sipCallId });
    },
  );
};
