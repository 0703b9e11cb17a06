import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CallStateError, type CallService } from '../../calls/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { RoutingService } from '../../routing/index.js';
import type { VoiceService } from '../../flows/index.js';
import type { Store, TenantRow } from '../../store/index.js';
import { agentScope } from '../agent-scope.js';
import { actor } from '../auth.js';

const supervisors = ['tenant_admin', 'supervisor'] as const;
/** Supervisors transfer any call; an agent only the caller connected to them now. */
const transferrers = [...supervisors, 'agent'] as const;

/**
 * Calls in progress (list, hang up) and calls placed by Kefu: `POST /calls` rings a phone and,
 * once answered, runs a flow on the call (callbacks, tests).
 */
export const callRoutes: FastifyPluginAsyncZod<{ store: Store; calls: CallService; voice: VoiceService; routing?: RoutingService }> = async (app, { store, calls, voice, routing }) => {
  app.get(
    '/calls',
    { config: { roles: [...supervisors, 'agent'] }, schema: { tags: ['calls'], summary: 'Calls in progress (an agent sees the calls they are on)' } },
    async (request) => {
      const { principal, tenant } = actor(request);
      const items = calls.live.list(tenant.id);
      if (principal.roles.some((role) => role === 'platform_admin' || (supervisors as readonly string[]).includes(role))) return { items };
      const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      const mine = (call: (typeof items)[number]) => call.party === own?.extension || (call.direction === 'outbound' && call.called === own?.extension);
      return { items: own === undefined ? [] : items.filter(mine) };
    },
  );

  app.delete(
    '/calls/:sipCallId',
    {
      config: { roles: supervisors },
      schema: { tags: ['calls'], summary: 'Hang up a call in progress', params: z.object({ sipCallId: z.string().min(1).max(256) }) },
    },
    async (request, reply) => {
      if (!(await calls.live.hangup(actor(request).tenant.id, request.params.sipCallId))) throw new NotFoundError('no such call in progress');
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
        summary:
          'Transfer a caller connected to an agent: to an extension or outside number (`to`) or a department\'s number (`department`), ' +
          'blind or attended (the agent consults the target first); or back into a queue (`queue`, blind), keeping their priority',
        params: callParams,
        body: z
          .object({
            /** An extension or a number the tenant can dial. */
            to: z.string().regex(/^\+?[0-9*#]{1,32}$/, 'an extension or phone number').optional(),
            /** A queue of the tenant: the caller waits there again. */
            queue: z.string().min(1).max(100).optional(),
            /** A department of the tenant: its numbers are tried in turn. */
            department: z.uuid().optional(),
            mode: z.enum(['blind', 'attended']).default('blind'),
          })
          .refine((body) => [body.to, body.queue, body.department].filter((target) => target !== undefined).length === 1, { message: 'exactly one of to, queue, department', path: ['to'] })
          .refine((body) => body.queue === undefined || body.mode === 'blind', { message: 'a transfer to a queue is blind', path: ['mode'] }),
      },
    },
    async (request) => {
      const { sipCallId } = request.params;
      const { to, queue, department, mode } = request.body;
      const tenantId = actor(request).tenant.id;
      await mayTransfer(request, sipCallId);
      if (queue !== undefined) {
        if (routing === undefined) throw new CallStateError('routing does not run on this node');
        await routing.requeue(tenantId, sipCallId, queue, async () => {
          if (!(await calls.live.finishTransfer(tenantId, sipCallId, 'detach'))) throw new NotFoundError('no such call in progress');
        });
        return { transferred: true, queue };
      }
      if (department !== undefined) return transferToDepartment(tenantId, sipCallId, department, mode);
      const result = await calls.live.transfer(tenantId, sipCallId, to!, mode);
      if (result === undefined) throw new NotFoundError('no such call in progress');
      return result;
    },
  );

  app.post(
    '/calls/:sipCallId/flow',
    {
      config: { roles: transferrers },
      schema: {
        tags: ['calls'],
        summary: 'Hand a caller connected to an agent to a flow ("manual to auto"): a published flow, or a node of the caller\'s own flow; the agent is released',
        params: callParams,
        body: z
          .object({ flow: z.string().min(1).max(100).optional(), node: z.string().min(1).max(100).optional() })
          .strict()
          .refine((body) => (body.flow === undefined) !== (body.node === undefined), { message: 'exactly one of flow, node', path: ['flow'] }),
      },
    },
    async (request) => {
      const { sipCallId } = request.params;
      const { flow, node } = request.body;
      const tenantId = actor(request).tenant.id;
      await mayTransfer(request, sipCallId);
      if (routing === undefined) throw new CallStateError('routing does not run on this node');
      if (flow !== undefined && (await store.repos.flows.live(tenantId, flow)) === undefined) throw new NotFoundError(`flow ${flow} has no published version`);
      await routing.handOff(tenantId, sipCallId, flow !== undefined ? { flow } : { node: node! }, async () => {
        if (!(await calls.live.finishTransfer(tenantId, sipCallId, 'detach'))) throw new NotFoundError('no such call in progress');
      });
      return { handed: true, ...(flow !== undefined ? { flow } : { node }) };
    },
  );

  /** A department's numbers in turn, until one answers; routing records the department as the target. */
  async function transferToDepartment(tenantId: string, sipCallId: string, id: string, mode: 'blind' | 'attended'): Promise<Record<string, unknown>> {
    const row = await store.repos.departments.get(tenantId, id);
    if (row === undefined) throw new NotFoundError('no such department');
    if (row.phones.length === 0) throw new CallStateError(`department ${row.name} has no number to transfer to`);
    let last: Record<string, unknown> = {};
    for (const phone of row.phones) {
      await routing?.transferTarget(tenantId, sipCallId, { kind: 'department', departmentId: id });
      // A blind transfer answered, or a consultation completed later, takes the name with it.
      const result = await calls.live.transfer(tenantId, sipCallId, phone, mode).catch(async (error: unknown) => {
        await routing?.transferTarget(tenantId, sipCallId, undefined);
        throw error;
      });
      if (result?.transferred === false) await routing?.transferTarget(tenantId, sipCallId, undefined);
      if (result === undefined) throw new NotFoundError('no such call in progress');
      last = { ...result, department: id };
      if (result.transferred) return last;
    }
    return last;
  }

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
      const tenantId = actor(request).tenant.id;
      if (!(await calls.live.finishTransfer(tenantId, request.params.sipCallId, request.params.how))) throw new NotFoundError('no such call in progress');
      if (request.params.how === 'cancel') await routing?.transferTarget(tenantId, request.params.sipCallId, undefined);
      return reply.code(204).send();
    },
  );

  app.post(
    '/calls',
    {
      config: { roles: [...supervisors, 'agent'] },
      schema: {
        tags: ['calls'],
        summary:
          'Place a call to an extension, or to an outside number through a trunk, and run a flow on it once answered; ' +
          'without a flow, an agent\'s click to call: their own phone rings first, then `to`, shown the tenant\'s number',
        body: z.object({
          /** An extension, or a number one of the tenant's trunks (or a shared one) takes. */
          to: z.string().regex(/^\+?[0-9*#]{2,32}$/, 'an extension or phone number'),
          flow: z.string().min(1).max(100).optional(),
          /** The caller ID the phone shows; the tenant's first number by default. */
          from: z.string().regex(/^\+?[0-9]{2,20}$/).optional(),
          timeoutSeconds: z.number().int().min(5).max(120).default(30),
        }),
      },
    },
    async (request, reply) => {
      const { tenant, principal } = actor(request);
      const { to, flow, timeoutSeconds } = request.body;
      const numbers = await store.repos.numbers.list(tenant.id, {}, { limit: 1, offset: 0 });
      const from = request.body.from ?? numbers.items[0]?.number ?? tenant.slug;
      if (flow === undefined) {
        const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
        if (own === undefined) throw new ValidationError('a flow is needed unless an agent calls from their own phone', [{ path: 'flow', message: 'required' }]);
        const placed = await agentCall({ calls, voice, routing }, { tenant, agent: own, to, from, timeoutMs: timeoutSeconds * 1000 });
        return reply.code(placed.answered ? 201 : 200).send(placed);
      }
      if (!principal.roles.some((role) => role === 'platform_admin' || (supervisors as readonly string[]).includes(role))) throw new ForbiddenError('only a supervisor runs a flow on a call');
      const serve = await voice.outbound(tenant, flow, to, from);
      if (serve === undefined) throw new ValidationError(`flow ${flow} has no published version`, [{ path: 'flow', message: 'no published flow of this name' }]);
      const phones = await voice.reach(tenant, to, { tenantNumber: from, caller: undefined });
      if (phones.length === 0) throw new ValidationError(`${to} cannot be reached`, [{ path: 'to', message: 'no registered phone, and no trunk takes this number' }]);
      const sipCallId = await calls.originate({ owner: tenant.id, from, to, phones, timeoutMs: timeoutSeconds * 1000, serve, onLeg: (record) => voice.recordLeg(tenant, record) });
      if (sipCallId === undefined) return reply.code(200).send({ answered: false });
      return reply.code(201).send({ answered: true, sipCallId });
    },
  );
};

/**
 * Click to call (E2): the agent's own phone rings first; once answered, `to` is dialled showing
 * the tenant's number and bridged. The agent is busy in routing from the start, so no queue
 * call is offered to them meanwhile, until the call ends.
 */
async function agentCall(
  services: { calls: CallService; voice: VoiceService; routing: RoutingService | undefined },
  call: { tenant: TenantRow; agent: { id: string; extension: string }; to: string; from: string; timeoutMs: number },
): Promise<{ answered: boolean; sipCallId?: string; interactionId?: string }> {
  const { calls, voice, routing } = services;
  const { tenant, agent, to, from } = call;
  const phones = await voice.reach(tenant, agent.extension, { tenantNumber: from, caller: undefined });
  if (phones.length === 0) throw new CallStateError('your phone is not registered');
  const interactionId = await routing?.assign(tenant.id, agent.id, { party: to });
  const finish = async () => {
    if (interactionId !== undefined) await routing?.finish(tenant.id, interactionId);
  };
  const dial = voice.agentCall(tenant, to, from);
  let sipCallId: string | undefined;
  try {
    sipCallId = await calls.originate({
      owner: tenant.id,
      from,
      to: agent.extension,
      phones,
      timeoutMs: call.timeoutMs,
      serve: (leg) => dial.serve(leg).finally(finish),
      reach: dial.reach,
      onLeg: dial.onLeg,
    });
  } catch (error) {
    await finish();
    throw error;
  }
  if (sipCallId === undefined) await finish();
  return { answered: sipCallId !== undefined, ...(sipCallId === undefined ? {} : { sipCallId }), ...(interactionId === undefined ? {} : { interactionId }) };
}
