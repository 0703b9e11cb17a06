import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../errors.js';

/**
 * The live event stream is a WebSocket (api/event-stream.ts takes the upgrade before routing);
 * this route documents it in the OpenAPI document and tells a plain GET to upgrade.
 */
export const eventRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/events',
    {
      config: { roles: 'public' },
      schema: {
        tags: ['events'],
        summary: 'Live events of the tenant over a WebSocket (see docs/api-events.md)',
        description:
          'Upgrade to a WebSocket with the session cookie, "Authorization: Bearer <API key>", or the subprotocols ' +
          '"kefu.events, kefu.bearer.<API key>". Frames are JSON: hello, reset, and events { seq, type, at, data }. ' +
          'Supervisors and administrators see the whole tenant, agents their own interactions and state and every queue.stats. ' +
          'A plain GET answers 426.',
        querystring: z.object({
          since: z.string().optional().describe('the last seq the client saw: the missed events are sent first, or a reset frame'),
          stream: z.string().optional().describe('the stream id of the hello frame the seq came from'),
          tenant: z.string().optional().describe('platform administrators: the slug of the tenant to watch'),
        }),
      },
    },
    async (_request, reply) =>
      reply
        .code(426)
        .header('upgrade', 'websocket')
        .send(errorBody('ERR_UPGRADE_REQUIRED', 'this is a WebSocket endpoint: send the upgrade handshake (RFC 6455 §4.1)')),
  );
};
