/**
 * The browser app (web/, built by Vite into dist/web) served at `/`: its files as they are, and
 * index.html for any other page address (the app routes in the browser), never for /api paths.
 * Vite names the files under assets/ by their content's hash, so those are cached for a year;
 * index.html is revalidated every time so that a new build is picked up at once. The files are
 * listed when the node starts (no file-system lookups per request): a node serves the build it
 * started with.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const immutable = 'public, max-age=31536000, immutable';

export async function registerWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? immutable : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // API, docs and operations paths that no route took stay a JSON 404, as do missing files.
    if (request.method !== 'GET' || /^\/(api|healthz|readyz|metrics)(\/|$)/.test(path) || /\.[a-z0-9]+$/i.test(path)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
