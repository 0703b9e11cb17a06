import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { moveCase, openDeskCase } from '../../cases/index.js';
import { roles as allRoles } from '../../directory/index.js';
import { NotFoundError } from '../../errors.js';
import { casePriorities, caseStatuses, caseTypes, type MediaFiles, type Store } from '../../store/index.js';
import { visibleInteraction } from '../agent-scope.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';
import { idParams, pageQuery, version } from '../schemas.js';

/** They open and change cases; an agent only from the interactions offered to or answered by them. */
const writers = ['tenant_admin', 'supervisor', 'agent'] as const;
const wide = ['tenant_admin', 'supervisor'] as const;

const fields = {
  type: z.enum(caseTypes),
  subject: z.string().trim().min(1, 'a subject is needed').max(200),
  description: z.string().max(10_000),
  priority: z.enum(casePriorities),
};

/**
 * Cases (FEATURES G1, G2): those the IVR opened from voice complaints (B4) with their recordings,
 * and those an agent opens from the call in hand, numbered and linked to the interaction.
 */
export const caseRoutes: FastifyPluginAsyncZod<{ store: Store; media: MediaFiles }> = async (app, { store, media }) => {
  app.get(
    '/cases',
    {
      config: { roles: allRoles },
      schema: {
        tags: ['cases'],
        summary: 'Cases, newest first',
        querystring: z.object({
          ...pageQuery,
          status: z.enum(caseStatuses).optional(),
          type: z.enum(caseTypes).optional(),
          customer_id: z.uuid('must be a UUID').optional(),
          /** Those opened from this interaction. */
          interaction_id: z.uuid('must be a UUID').optional(),
        }),
      },
    },
    async (request) => {
      const { limit, offset, customer_id: customerId, interaction_id: interactionId, ...filter } = request.query;
      return store.repos.cases.list(actor(request).tenant.id, { ...filter, customerId, interactionId }, { limit, offset });
    },
  );

  app.get('/cases/:id', { config: { roles: allRoles }, schema: { tags: ['cases'], summary: 'One case', params: idParams } }, async (request) => {
    const row = await store.repos.cases.get(actor(request).tenant.id, request.params.id);
    if (row === undefined) throw new NotFoundError('case not found');
    return row;
  });

  app.get(
    '/cases/:id/recording',
    { config: { roles: allRoles }, schema: { tags: ['cases'], summary: "The caller's recording as a WAV file", params: idParams } },
    async (request, reply) => {
      const row = await store.repos.cases.get(actor(request).tenant.id, request.params.id);
      if (row?.recordingFile == null) throw new NotFoundError('this case has no recording');
      return reply.type('audio/wav').send(media.read(row.recordingFile));
    },
  );

  app.post(
    '/cases',
    {
      config: { roles: writers },
      schema: {
        tags: ['cases'],
        summary:
          'Open a case (status open), numbered per day; from an interaction it takes the call\'s Call-ID, calling number, customer and the IVR\'s recording of it, and goes on the interaction\'s timeline (case_opened)',
        body: z
          .object({
            ...fields,
            description: fields.description.default(''),
            priority: fields.priority.default('normal'),
            customerId: z.uuid('must be a UUID').optional(),
            interactionId: z.uuid('must be a UUID').optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const { principal, tenant } = actor(request);
      const { interactionId, ...body } = request.body;
      const seen = interactionId === undefined ? undefined : await visibleInteraction(store, request, interactionId, wide);
      const own = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      const opener = { userId: principal.kind === 'user' ? principal.id : null, name: principal.name, agentId: own?.id ?? null };
      const opened = await store.transaction(async (repos) => {
        const row = await openDeskCase(repos, tenant, { ...body, interaction: seen?.row, opener }, new Date());
        await audit(repos, request, { action: 'create', entity: 'case', id: row.id, after: row });
        return row;
      });
      return reply.code(201).send(opened);
    },
  );

  app.patch(
    '/cases/:id',
    {
      config: { roles: writers },
      schema: {
        tags: ['cases'],
        summary: 'Change a case\'s subject, description, type, priority or status (draft → open or closed, open → closed, closed → open); send the version you read (409 if it changed since)',
        params: idParams,
        body: z.object({ ...fields, status: z.enum(caseStatuses) }).partial().extend({ version }).strict(),
      },
    },
    async (request) => {
      const { tenant } = actor(request);
      const { version: expected, status, ...change } = request.body;
      return store.transaction(async (repos) => {
        const before = await repos.cases.get(tenant.id, request.params.id);
        if (before === undefined) throw new NotFoundError('case not found');
        // At a stale version the update answers 409 ERR_STALE_VERSION before the move is judged.
        const moved = status === undefined ? {} : { status: before.version === expected && status !== before.status ? moveCase(before.status, status) : status };
        const after = await repos.cases.update(tenant.id, before.id, expected, { ...change, ...moved });
        await audit(repos, request, { action: 'update', entity: 'case', id: after.id, before, after });
        return after;
      });
    },
  );
};
