import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decoyPasswordHash, roles as allRoles, verifyPassword } from '../../directory/index.js';
import { UnauthenticatedError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { actor, newToken, sessionCookie, sessionLifetimeMs, sha256 } from '../auth.js';
import type { LoginThrottle } from '../login-throttle.js';

export interface AuthRouteOptions {
  store: Store;
  throttle: LoginThrottle;
  now: () => Date;
}

const loginBody = z.object({
  tenant: z.string().min(1).max(100),
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

export const authRoutes: FastifyPluginAsyncZod<AuthRouteOptions> = async (app, { store, throttle, now }) => {
  app.post(
    '/auth/login',
    {
      config: { roles: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in with tenant, username and password; sets the HTTP-only session cookie',
        body: loginBody,
      },
    },
    async (request, reply) => {
      throttle.check(request.ip);
      const { tenant: slug, username, password } = request.body;
      const tenant = await store.repos.tenants.bySlug(slug);
      const user = tenant === undefined ? undefined : await store.repos.users.withPasswordHash(tenant.id, username);
      // The same scrypt work whether or not the user exists, so timing does not reveal usernames.
      const valid = await verifyPassword(password, user?.passwordHash ?? decoyPasswordHash);
      if (tenant === undefined || user === undefined || !valid || user.disabled || tenant.status !== 'active') {
        throttle.fail(request.ip);
        request.log.info({ tenant: slug, username }, 'failed login');
        throw new UnauthenticatedError('wrong tenant, username or password');
      }
      await store.repos.sessions.removeExpired(now());
      const token = newToken();
      const expiresAt = new Date(now().getTime() + sessionLifetimeMs);
      await store.repos.sessions.create({ tokenHash: sha256(token), tenantId: tenant.id, userId: user.id, expiresAt });
      reply.setCookie(sessionCookie, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: 'auto',
        path: '/',
        expires: expiresAt,
      });
      return {
        user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles },
        tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, nameEn: tenant.nameEn },
        expiresAt,
      };
    },
  );

  app.post(
    '/auth/logout',
    { config: { roles: 'public' }, schema: { tags: ['auth'], summary: 'End the browser session' } },
    async (request, reply) => {
      const token = request.cookies[sessionCookie];
      if (token !== undefined) await store.repos.sessions.remove(sha256(token));
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      config: { roles: allRoles },
      schema: { tags: ['auth'], summary: 'Who the credentials of this request belong to, with their own extension if they have one (their page\'s softphone)' },
    },
    async (request) => {
      const { principal, tenant } = actor(request);
      const agent = principal.kind === 'user' ? await store.repos.agents.ofUser(tenant.id, principal.id) : undefined;
      return {
        kind: principal.kind,
        id: principal.id,
        name: principal.name,
        roles: principal.roles,
        tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, nameEn: tenant.nameEn },
        extension: agent?.extension ?? null,
      };
    },
  );
};
