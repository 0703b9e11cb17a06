import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MixChange, Supervision } from '../../calls/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { EventHub } from '../../events/index.js';
import type { Store } from '../../store/index.js';
import { actor } from '../auth.js';

const supervisors = ['tenant_admin', 'supervisor'] as const;
const everyone = ['tenant_admin', 'supervisor', 'agent'] as const;

const callParams = z.object({ sipCallId: z.string().min(1).max(256) });
const mode = z.enum(['listen', 'whisper', 'barge']);
const extensionOrNumber = z.string().regex(/^\+?[0-9*#]{1,32}$/, 'an extension or phone number');

/**
 * A supervisor's hand on an agent's call (FEATURES E2) and an agent's conference (D2):
 * `monitor` rings the supervisor's phone and mixes it into the call — listen (hears both, heard
 * by nobody), whisper (heard by the agent only) or barge (heard by both) — and changes the mode
 * without ringing again; `release` hangs the call up on both sides; `conference` adds a party
 * everyone hears. Each change is published on /api/v1/events (`call.monitored`,
 * `call.conference`, `call.released`).
 */
export const supervisionRoutes: FastifyPluginAsyncZod<{ store: Store; supervision: Supervision; events: EventHub }> = async (app, { store, supervision, events }) => {
  const stop = supervision.onChange((owner, change) => void events.publish(owner, eventOf(change)));
  app.addHook('onClose', async () => stop());

  app.post(
    '/calls/:sipCallId/monitor',
    {
      config: { roles: supervisors },
      schema: {
        tags: ['calls'],
        summary: 'Monitor an agent\'s call from a phone: listen, whisper to the agent, or barge in; again with another mode changes it',
        params: callParams,
        body: z.object({
          mode,
          /** The extension to ring; the supervisor's own when they have one. */
          phone: extensionOrNumber.optional(),
        }),
      },
    },
    async (request, reply) => {
      const { principal, tenant } = actor(request);
      const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      const phone = request.body.phone ?? own?.extension;
      if (phone === undefined) throw new ValidationError('no phone to ring', [{ path: 'phone', message: 'required: you have no extension of your own' }]);
      const result = await supervision.monitor(tenant.id, request.params.sipCallId, { mode: request.body.mode, phone, by: principal.name });
      if (result === undefined) throw new NotFoundError('no such call in progress');
      return reply.code(result.monitoring && result.rang ? 201 : 200).send(result);
    },
  );

  app.patch(
    '/calls/:sipCallId/monitor',
    {
      config: { roles: supervisors },
      schema: { tags: ['calls'], summary: 'Change how the supervisor monitoring the call takes part', params: callParams, body: z.object({ mode }) },
    },
    async (request) => {
      if (!(await supervision.changeMode(actor(request).tenant.id, request.params.sipCallId, request.body.mode))) throw new NotFoundError('no such call in progress');
      return { monitoring: true, mode: request.body.mode, rang: false };
    },
  );

  app.delete(
    '/calls/:sipCallId/monitor',
    { config: { roles: supervisors }, schema: { tags: ['calls'], summary: 'Stop monitoring: the supervisor\'s phone is hung up', params: callParams } },
    async (request, reply) => {
      if (!(await supervision.stopMonitoring(actor(request).tenant.id, request.params.sipCallId))) throw new NotFoundError('no such call in progress');
      return reply.code(204).send();
    },
  );

  app.post(
    '/calls/:sipCallId/release',
    {
      config: { roles: supervisors },
      schema: { tags: ['calls'], summary: 'Force release: hang up the caller and the agent (Q.850 cause 8, preemption); the agent goes to wrap-up', params: callParams },
    },
    async (request, reply) => {
      const { principal, tenant } = actor(request);
      const sipCallId = request.params.sipCallId;
      const agent = supervision.partyOf(tenant.id, sipCallId) ?? null;
      if (!(await supervision.release(tenant.id, sipCallId))) throw new NotFoundError('no such call in progress');
      void events.publish(tenant.id, { type: 'call.released', data: { sipCallId, by: principal.name, agent } });
      return reply.code(204).send();
    },
  );

  app.post(
    '/calls/:sipCallId/conference',
    {
      config: { roles: everyone },
      schema: {
        tags: ['calls'],
        summary: 'Add a party (an extension or outside number) to a call with an agent: everyone hears everyone',
        params: callParams,
        body: z.object({ to: extensionOrNumber }),
      },
    },
    async (request, reply) => {
      const { principal, tenant } = actor(request);
      const sipCallId = request.params.sipCallId;
      const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      const supervising = principal.roles.some((role) => (supervisors as readonly string[]).includes(role));
      const agent = supervision.partyOf(tenant.id, sipCallId);
      // An agent adds parties to their own call only; a supervisor to any.
      if (!supervising && (own === undefined || (agent !== undefined && agent !== own.extension))) throw new ForbiddenError('you may add a party only to your own call');
      const result = await supervision.conference(tenant.id, sipCallId, request.body.to, agent === own?.extension ? own?.id : undefined);
      if (result === undefined) throw new NotFoundError('no such call in progress');
      return reply.code(result.joined ? 201 : 200).send(result);
    },
  );
};

function eventOf(change: MixChange): Parameters<EventHub['publish']>[1] {
  if (change.kind === 'monitor') {
    return { type: 'call.monitored', data: { sipCallId: change.sipCallId, supervisor: change.supervisor, phone: change.phone, mode: change.mode } };
  }
  return {
    type: 'call.conference',
    data: { sipCallId: change.sipCallId, party: change.party, action: change.action, parties: change.parties, agentId: change.agentId ?? null },
  };
}
