import type { FastifyInstance } from 'fastify';

export interface Readiness {
  /** Throws when the dependency is not usable. */
  check(): Promise<void>;
}

/**
 * `/healthz`: the process is up and serving. `/readyz`: it can do its work, its database answers;
 * a load balancer takes a node that fails this out of rotation.
 */
export function registerHealth(app: FastifyInstance, database: Readiness): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await database.check();
      return { status: 'ready', database: 'ok' };
    } catch (error) {
      request.log.warn({ err: error }, 'database is not reachable');
      return reply.code(503).send({ status: 'not ready', database: 'unreachable' });
    }
  });
}
