import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { actor } from '../auth.js';
import { idParams, pageQuery } from '../schemas.js';

const readers = ['tenant_admin', 'supervisor', 'statistician'] as const;

/** What calls left behind: call detail records with their traces (H1). Read-only: calls write them. */
export const callRecordRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/cdrs',
    {
      config: { roles: readers },
      schema: {
        tags: ['cdrs'],
        summary: 'Call detail records, newest first, each with the trace of what the caller heard and keyed',
        querystring: z.object({
          ...pageQuery,
          sip_call_id: z.string().min(1).max(256).optional(),
          /** Every leg of one call (the caller's, the phones rung, transfer targets). */
          call_id: z.uuid().optional(),
          caller: z.string().max(64).optional(),
          called: z.string().max(64).optional(),
          since: z.coerce.date().optional(),
          until: z.coerce.date().optional(),
        }),
      },
    },
    async (request) => {
      const { limit, offset, sip_call_id: sipCallId, call_id: callId, ...filter } = request.query;
      const ids = { ...(sipCallId === undefined ? {} : { sipCallId }), ...(callId === undefined ? {} : { callId }) };
      return store.repos.cdrs.list(actor(request).tenant.id, { ...filter, ...ids }, { limit, offset });
    },
  );

  app.get('/cdrs/:id', { config: { roles: readers }, schema: { tags: ['cdrs'], summary: 'One call detail record', params: idParams } }, async (request) => {
    const row = await store.repos.cdrs.get(actor(request).tenant.id, request.params.id);
    if (row === undefined) throw new NotFoundError('call record not found');
    return row;
  });
};
