/**
 * The HTTP face of a node: the management API under /api/v1, its OpenAPI document and docs, and
 * the operations endpoints. Built from its dependencies so that tests build one with `inject()`.
 */
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { loggerOptions, registerHealth, registerMetrics, requestId, type Metrics } from '../ops/index.js';
import type { CallService } from '../calls/index.js';
import { EventHub } from '../events/index.js';
import type { RoutingService } from '../routing/index.js';
import type { VoiceService } from '../flows/index.js';
import type { Language } from '../media/index.js';
import type { MediaFiles, Store } from '../store/index.js';
import { registerAuth, sessionCookie } from './auth.js';
import { registerErrorHandling } from './errors.js';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import { registerWebApp } from './web-app.js';
import { LoginThrottle } from './login-throttle.js';
import { agentRoutes } from './routes/agents.js';
import { softphoneRoutes } from './routes/softphone.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { calendarRoutes } from './routes/calendar.js';
import { callSettingsRoutes } from './routes/call-settings.js';
import { callerListRoutes } from './routes/caller-lists.js';
import { customerRoutes } from './routes/customers.js';
import { departmentRoutes } from './routes/departments.js';
import { notReadyReasonRoutes } from './routes/not-ready-reasons.js';
import { flowRoutes } from './routes/flows.js';
import { interactionRoutes } from './routes/interactions.js';
import { numberRoutes } from './routes/numbers.js';
import { promptRoutes } from './routes/prompts.js';
import { queueRoutes } from './routes/queues.js';
import { mailboxRoutes } from './routes/mailboxes.js';
import { callRecordRoutes } from './routes/call-records.js';
import { caseRoutes } from './routes/cases.js';
import { agentHelpRoutes } from './routes/agent-help.js';
import { agentStateRoutes } from './routes/agent-state.js';
import { callRoutes } from './routes/calls.js';
import { callControlRoutes } from './routes/call-control.js';
import { supervisionRoutes } from './routes/supervision.js';
import { eventRoutes } from './routes/events.js';
import { tenantRoutes } from './routes/tenants.js';
import { trunkRoutes } from './routes/trunks.js';
import { userRoutes } from './routes/users.js';

export interface ServerOptions {
  store: Store;
  /** Where audio files (prompts, recordings, voicemail) are kept. */
  media: MediaFiles;
  /** The call layer and the voice service, for /calls; absent, the routes are not there. */
  calls?: { service: CallService; voice: VoiceService };
  /** Agent states and queue figures; absent, those routes are not there. */
  routing?: RoutingService;
  metrics: Metrics;
  logLevel: string;
  /** The node's logger, shared with SIP and calls; one is made from `logLevel` when left out. */
  log?: FastifyBaseLogger;
  version: string;
  now?: () => Date;
  /** The node's event hub and the stream's limits; a hub of the server's own when left out. */
  events?: Partial<EventStreamOptions>;
  /**
   * Other WebSocket upgrades on the HTTP port (SIP over WebSocket): true when taken; false and
   * the server answers 404. The event stream at /api/v1/events is asked first.
   */
  upgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Where SIP over WebSocket is served on this origin, for the agent desktop's softphone; absent, GET /agents/me/phone is not there. */
  sipWebSocketPath?: string;
  /** Text to speech for the prompts page's preview (8 kHz samples); absent, POST /prompts/speech is not there. */
  speech?: { speak(text: string, language: Language): Promise<Int16Array> };
  /** The built browser app (dist/web) served at `/`; absent or not built, `/` leads to the API docs. */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Where the node's live events are published (`/api/v1/events` carries them). */
    events: EventHub;
  }
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store, metrics } = options;
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    ...(options.log === undefined ? { logger: loggerOptions(options.logLevel) } : { loggerInstance: options.log }),
    genReqId: requestId,
    bodyLimit: 1024 * 1024,
  });
  // JSON only: a cross-site HTML form can send text/plain without a CORS preflight, so refusing
  // it (415) keeps the session cookie from being used by another site's form.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  registerMetrics(app, metrics);
  registerHealth(app, { check: () => store.ping() });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kefu API',
        version: options.version,
        description:
          'Management API of Kefu, the multi-tenant contact centre. Log in with POST /api/v1/auth/login ' +
          '(browsers get an HTTP-only session cookie) or send an API key as "Authorization: Bearer <key>". ' +
          'Errors answer { error: { code, message, details: [{ path, message }] } }.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookie },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (options.webRoot !== undefined && existsSync(join(options.webRoot, 'index.html'))) await registerWebApp(app, options.webRoot);
  else app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/api/docs'));

  registerAuth(app, store, now);
  const stream = new EventStream({ ...options.events, hub: options.events?.hub ?? new EventHub() }, { store, log: app.log, now });
  app.decorate('events', stream.hub);
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (stream.acceptUpgrade(request, socket, head) || options.upgrade?.(request, socket, head) === true) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  // Before the HTTP server waits for its connections to end: the streams' sockets are among them.
  app.addHook('preClose', async () => stream.close());
  const throttle = new LoginThrottle({ maxFailures: 10, windowMs: 60_000, maxAddresses: 100_000, now: () => now().getTime() });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { store, throttle, now });
      await api.register(tenantRoutes, { store });
      await api.register(numberRoutes, { store });
      await api.register(userRoutes, { store });
      await api.register(agentRoutes, { store });
      if (options.sipWebSocketPath !== undefined) await api.register(softphoneRoutes, { store, webSocketPath: options.sipWebSocketPath });
      await api.register(departmentRoutes, { store });
      await api.register(notReadyReasonRoutes, { store });
      await api.register(customerRoutes, { store });
      await api.register(apiKeyRoutes, { store });
      await api.register(auditRoutes, { store });
      await api.register(flowRoutes, { store });
      await api.register(promptRoutes, { store, media: options.media, ...(options.speech === undefined ? {} : { speech: options.speech }) });
      await api.register(mailboxRoutes, { store, media: options.media });
      await api.register(callRecordRoutes, { store });
      await api.register(caseRoutes, { store, media: options.media });
      if (options.calls !== undefined) {
        await api.register(callRoutes, { store, calls: options.calls.service, voice: options.calls.voice, ...(options.routing === undefined ? {} : { routing: options.routing }) });
        await api.register(callControlRoutes, { store, calls: options.calls.service });
        await api.register(supervisionRoutes, { store, supervision: options.calls.service.supervision, events: stream.hub });
      }
      await api.register(calendarRoutes, { store });
      await api.register(callerListRoutes, { store });
      await api.register(callSettingsRoutes, { store });
      await api.register(queueRoutes, { store });
      await api.register(interactionRoutes, { store });
      await api.register(eventRoutes);
      await api.register(agentHelpRoutes, { store, events: stream.hub });
      await api.register(trunkRoutes, { store });
      if (options.routing !== undefined) {
        const routing = options.routing;
        await api.register(agentStateRoutes, { store, routing });
        // Routing reads queues, agents (skills, extensions) and not-ready reasons once; a change through the API
        // reaches it at once, live (a supervisor changing skills, D5).
        api.addHook('onResponse', async (request, reply) => {
          if (request.method === 'GET' || reply.statusCode >= 300 || request.tenant === undefined) return;
          if (/^\/api\/v1\/(queues|agents|not-ready-reasons)(\/|$)/.test(request.url) && !/\/(state|help)$/.test(request.url)) await routing.changed(request.tenant.id);
        });
      }
    },
    { prefix: '/api/v1' },
  );
  return app;
}
