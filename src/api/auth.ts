/**
 * Who is calling, and may they? A browser proves itself with the HTTP-only session cookie set at
 * login; an integration with `Authorization: Bearer <API key>`. Every route under /api/v1 names
 * the roles it admits in `config.roles` (or says `'public'`); a route that names neither refuses
 * to start, so no route can be left open by forgetting.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasAnyRole, type Role } from '../directory/index.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { Store, TenantRow } from '../store/index.js';

export const sessionCookie = 'kefu_session';
export const sessionLifetimeMs = 12 * 60 * 60 * 1000;
/** Header with which a platform administrator acts inside another tenant (its slug). */
export const tenantHeader = 'kefu-tenant';

export interface Principal {
  kind: 'user' | 'api_key';
  /** The user's id, or the API key's. */
  id: string;
  name: string;
  roles: string[];
  /** The tenant the credentials belong to. */
  home: TenantRow;
  sessionTokenHash?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles admitted to the route; `'public'` for the few that need no credentials. */
    roles?: readonly Role[] | 'public';
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** The tenant the request acts in: the principal's, or the one a platform admin chose. */
    tenant: TenantRow | undefined;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A new secret token (session cookie or API key body): 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The principal and tenant of an authenticated request; throws for a public route's request. */
export function actor(request: FastifyRequest): { principal: Principal; tenant: TenantRow } {
  if (request.principal === undefined || request.tenant === undefined) throw new UnauthenticatedError('log in first');
  return { principal: request.principal, tenant: request.tenant };
}

export function registerAuth(app: FastifyInstance, store: Store, now: () => Date): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('tenant', undefined);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    if (route.config?.roles === undefined) {
      throw new Error(`route ${route.method} ${route.url} does not say which roles it admits`);
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const roles = request.routeOptions.config.roles;
    if (roles === undefined || roles === 'public') return;
    const chosen = request.headers[tenantHeader];
    const credentials: Credentials = {
      authorization: request.headers.authorization,
      sessionToken: request.cookies[sessionCookie],
      tenantSlug: typeof chosen === 'string' ? chosen : undefined,
    };
    const { principal, tenant } = await authenticate(store, credentials, roles, now());
    request.principal = principal;
    request.tenant = tenant;
    request.log = request.log.child({ tenantId: tenant.id, actor: `${principal.home.slug}/${principal.name}` });
    // Fastify writes the "request completed" line through reply.log: it should say whose request it was.
    reply.log = request.log;
  });
}

/** What a request presents: an `Authorization` header, a session token (the cookie's value), a tenant to act in. */
export interface Credentials {
  authorization: string | undefined;
  sessionToken: string | undefined;
  tenantSlug: string | undefined;
}

/**
 * Who presents these credentials and in which tenant they act, provided they hold one of `roles`;
 * throws `UnauthenticatedError` (401), `ForbiddenError` (403) or `NotFoundError` (unknown tenant).
 */
export async function authenticate(
  store: Store,
  credentials: Credentials,
  roles: readonly Role[],
  at: Date,
): Promise<{ principal: Principal; tenant: TenantRow }> {
  const principal = await identify(credentials, store, at);
  if (principal === undefined) throw new UnauthenticatedError('log in or send an API key');
  if (!hasAnyRole(principal.roles, roles)) {
    throw new ForbiddenError(`this needs one of the roles: ${roles.join(', ')}`);
  }
  return { principal, tenant: await actingTenant(credentials.tenantSlug, principal, store) };
}

async function identify(credentials: Credentials, store: Store, at: Date): Promise<Principal | undefined> {
  const authorization = credentials.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match === null) throw new UnauthenticatedError('the Authorization header must be "Bearer <API key>"');
    const key = await store.repos.apiKeys.use(sha256(match[1] as string));
    if (key === undefined) throw new UnauthenticatedError('the API key is unknown or revoked');
    const home = await store.repos.tenants.get(key.tenantId);
    if (home === undefined || home.status !== 'active') throw new UnauthenticatedError('the tenant is suspended');
    return { kind: 'api_key', id: key.id, name: `api-key:${key.name}`, roles: key.roles, home };
  }
  const token = credentials.sessionToken;
  if (token === undefined) return undefined;
  const tokenHash = sha256(token);
  const session = await store.repos.sessions.live(tokenHash, at);
  if (session === undefined) return undefined;
  const [user, home] = await Promise.all([
    store.repos.users.get(session.tenantId, session.userId),
    store.repos.tenants.get(session.tenantId),
  ]);
  if (user === undefined || user.disabled || home === undefined || home.status !== 'active') return undefined;
  return { kind: 'user', id: user.id, name: user.username, roles: user.roles, home, sessionTokenHash: tokenHash };
}

async function actingTenant(chosen: string | undefined, principal: Principal, store: Store): Promise<TenantRow> {
  if (chosen === undefined || chosen === principal.home.slug) return principal.home;
  if (!principal.roles.includes('platform_admin')) {
    throw new ForbiddenError(`only a platform administrator may act in another tenant (${tenantHeader} header)`);
  }
  const tenant = await store.repos.tenants.bySlug(chosen);
  if (tenant === undefined) throw new NotFoundError(`tenant ${chosen} not found`);
  return tenant;
}
