/**
 * Prometheus metrics of one node: the process (CPU, memory, event loop, handles) and every HTTP
 * request by method, route and status. Each node owns its registry, so several servers in one
 * process (as in tests) do not count into each other.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly sipSecurityEvents: Counter<'reason'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kefu_' });
    this.httpRequests = new Histogram({
      name: 'kefu_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status: latency and (as _count) how many',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.sipSecurityEvents = new Counter({
      name: 'kefu_sip_security_events_total',
      help: 'SIP sources blocked for a cooling period, by reason (request-flood, auth-failures, unknown-users)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
  }
}

/** Times every request and serves `/metrics` in the Prometheus text format. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.observe(
      {
        method: request.method,
        // The route pattern, not the URL, so that ids do not make a label value each.
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
