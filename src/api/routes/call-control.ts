import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallService } from '../../calls/index.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { CallControlData, NewEvent } from '../../events/index.js';
import type { Store } from '../../store/index.js';
import { actor } from '../auth.js';

const everyone = ['tenant_admin', 'supervisor', 'agent'] as const;
const supervisors: readonly string[] = ['platform_admin', 'tenant_admin', 'supervisor'];

const params = z.object({ sipCallId: z.string().min(1).max(256) });

const actions = {
  hold: { event: 'call.held', summary: 'Put the caller on hold: re-INVITE sendonly (RFC 3264 §8.4), hold music to the caller' },
  resume: { event: 'call.resumed', summary: 'Take the caller off hold: re-INVITE sendrecv, caller and agent together again' },
  mute: { event: 'call.muted', summary: 'Mute the agent: the caller no longer hears them, they still hear the caller' },
  unmute: { event: 'call.unmuted', summary: 'Unmute the agent' },
} as const;

/**
 * CTI operations on a call in progress (FEATURES D2), all under `/calls/:sipCallId/…` like the
 * transfers: hang up, hold, resume, mute, unmute, send keys. An agent acts only on a call they
 * are connected to; a supervisor on any call of the tenant. Each success is published on the
 * event stream (`call.held` …) to the agent and the supervisors.
 */
export const callControlRoutes: FastifyPluginAsyncZod<{ store: Store; calls: CallService }> = async (app, { store, calls }) => {
  /** Checks who asks against the call; answers the event's data. */
  async function allowed(request: Parameters<typeof actor>[0], sipCallId: string): Promise<CallControlData> {
    const { principal, tenant } = actor(request);
    const parties = calls.live.partiesOf(tenant.id, sipCallId);
    if (parties === undefined) throw new NotFoundError('no such call in progress');
    // The agent on the call: the one who placed it (click to call), else the one the caller reached.
    const extension = parties.placedTo ?? parties.party;
    const agent = extension === null ? undefined : await store.repos.agents.sipCredentials(tenant.id, extension);
    if (!principal.roles.some((role) => supervisors.includes(role))) {
      const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      if (own === undefined || agent?.agentId !== own.id) throw new ForbiddenError('an agent controls only a call they are on');
    }
    return { sipCallId, agentId: agent?.agentId ?? null, by: principal.name };
  }

  const publish = (request: Parameters<typeof actor>[0], event: NewEvent) => app.events.publish(actor(request).tenant.id, event);

  for (const [action, { event, summary }] of Object.entries(actions) as [keyof typeof actions, (typeof actions)[keyof typeof actions]][]) {
    app.post(`/calls/:sipCallId/${action}`, { config: { roles: everyone }, schema: { tags: ['calls'], summary, params } }, async (request) => {
      const data = await allowed(request, request.params.sipCallId);
      const state = await calls.live.control(actor(request).tenant.id, request.params.sipCallId, action);
      if (state === undefined) throw new NotFoundError('no such call in progress');
      publish(request, { type: event, data });
      return { sipCallId: request.params.sipCallId, ...state };
    });
  }

  app.post(
    '/calls/:sipCallId/dtmf',
    {
      config: { roles: everyone },
      schema: {
        tags: ['calls'],
        summary: 'Send keys to the caller as RFC 4733 telephone-events (an IVR the agent reached)',
        params,
        body: z.object({ digits: z.string().regex(/^[0-9*#A-D]{1,32}$/, '1 to 32 of 0-9 * # A-D') }).strict(),
      },
    },
    async (request, reply) => {
      const data = await allowed(request, request.params.sipCallId);
      const digits = [...request.body.digits] as Parameters<CallService['live']['sendDigits']>[2];
      if (!(await calls.live.sendDigits(actor(request).tenant.id, request.params.sipCallId, digits))) throw new NotFoundError('no such call in progress');
      publish(request, { type: 'call.dtmf_sent', data: { ...data, digits: request.body.digits } });
      return reply.code(204).send();
    },
  );

  app.post(
    '/calls/:sipCallId/hangup',
    { config: { roles: everyone }, schema: { tags: ['calls'], summary: 'Hang up: the caller and the agent are released', params } },
    async (request, reply) => {
      const data = await allowed(request, request.params.sipCallId);
      if (!(await calls.live.hangup(actor(request).tenant.id, request.params.sipCallId))) throw new NotFoundError('no such call in progress');
      publish(request, { type: 'call.hung_up', data });
      return reply.code(204).send();
    },
  );
};
