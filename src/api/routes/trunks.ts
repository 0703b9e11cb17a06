import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ForbiddenError, ValidationError, type ErrorDetail } from '../../errors.js';
import { trunkCallerIds, trunkTransports, type Repositories, type Store, type TenantRow, type TrunkInput, type TrunkRow } from '../../store/index.js';
import { actor } from '../auth.js';
import { registerResource } from '../resource.js';
import { phone, searchText } from '../schemas.js';

/** A host Kefu can send to: an IPv4 address, a bracketed or bare IPv6 address, or a domain name. */
const host = z.string().regex(/^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|\[?[0-9a-fA-F:.]+\]?|[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62})(?:\.[a-zA-Z0-9-]{1,63})*)$/, 'an IP address or a domain name').max(253);
const dialString = z.string().regex(/^\+?[0-9*#]{0,20}$/, 'digits, * or #, optionally a leading +');
const numberLength = z.number().int().min(1).max(32);

const route = z
  .object({
    /** Numbers beginning with this; '' takes every number. */
    prefix: dialString,
    minLength: numberLength.optional(),
    maxLength: numberLength.optional(),
    /** Digits taken off the front before the number is sent. */
    strip: z.number().int().min(0).max(20).default(0),
    /** Digits put on the front after stripping (a carrier's access code, a country code). */
    prepend: dialString.default(''),
  })
  .refine((r) => r.minLength === undefined || r.maxLength === undefined || r.minLength <= r.maxLength, { message: 'minLength is more than maxLength', path: ['minLength'] });

const fields = z.object({
  name: z.string().regex(/^[\w.-]{1,64}$/, '1 to 64 letters, digits, . - or _'),
  host,
  port: z.number().int().min(1).max(65535),
  transport: z.enum(trunkTransports),
  /** The carrier account; null when the carrier trusts Kefu's address instead. */
  username: z.string().min(1).max(128).nullable(),
  /** Write-only: stored as given, never returned. */
  password: z.string().min(1).max(200).nullable(),
  realm: z.string().min(1).max(200).nullable(),
  fromUser: z.string().regex(/^[\w.+*#-]{1,64}$/, 'a SIP user part').nullable(),
  fromDomain: host.nullable(),
  routes: z.array(route).min(1, 'at least one rule; { "prefix": "" } takes every number').max(100),
  callerId: z.enum(trunkCallerIds),
  callerIdNumber: phone.nullable(),
  priority: z.number().int().min(0).max(10_000),
  enabled: z.boolean(),
  maxCalls: z.number().int().min(1).max(100_000).nullable(),
});

/** A trunk as the API shows it: never its password, only whether it has one; `shared` for the platform's. */
function view({ password, ...trunk }: TrunkRow) {
  return { ...trunk, shared: trunk.tenantId === null, hasPassword: password !== null };
}

/** The rules between fields, checked on the trunk as it would be after the change. */
function problems(trunk: Pick<TrunkInput, 'username' | 'password' | 'callerId' | 'callerIdNumber'>): ErrorDetail[] {
  const found: ErrorDetail[] = [];
  if (trunk.username !== null && trunk.password === null) found.push({ path: 'password', message: 'a username needs its password' });
  if (trunk.username === null && trunk.password !== null) found.push({ path: 'username', message: 'a password needs its username' });
  if (trunk.callerId === 'fixed' && trunk.callerIdNumber === null) found.push({ path: 'callerIdNumber', message: 'a fixed caller ID needs the number' });
  return found;
}

function check(trunk: Parameters<typeof problems>[0]): void {
  const found = problems(trunk);
  if (found.length > 0) throw new ValidationError('invalid trunk', found);
}

/** Whose trunks the acting tenant writes: its own, or acting as the platform, the shared ones. */
const ownerOf = (tenant: TenantRow) => (tenant.isPlatform ? null : tenant.id);

/** A tenant may see the shared trunks but not change them. */
async function writable(repos: Repositories, tenant: TenantRow, id: string): Promise<TrunkRow | undefined> {
  const row = await repos.trunks.get(tenant.id, id);
  if (row !== undefined && row.tenantId !== ownerOf(tenant)) throw new ForbiddenError('shared trunks are the platform\'s: only a platform administrator changes them');
  return row;
}

/**
 * SIP trunks to carriers, by which `dial`, originate and transfers reach outside numbers. A
 * tenant's own trunks are tried before the platform's shared ones, which tenants see but only a
 * platform administrator (acting in the platform tenant) writes. Passwords are write-only.
 */
export const trunkRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  // In the platform tenant the trunks written are the shared ones: platform administrators only.
  // (A hook of this plugin runs for its routes only, after authentication.)
  app.addHook('preHandler', async (request) => {
    if (request.method === 'GET') return;
    const { principal, tenant } = actor(request);
    if (tenant.isPlatform && !principal.roles.includes('platform_admin')) throw new ForbiddenError('shared trunks are changed by platform administrators');
  });
  registerResource(app, store, {
    entity: 'trunk',
    path: '/trunks',
    description: 'SIP trunks to carriers: the tenant\'s own, then the shared ones (passwords never shown)',
    roles: { read: ['tenant_admin'], write: ['tenant_admin'] },
    filter: z.object({ q: searchText, enabled: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }),
    body: fields.partial({ port: true, transport: true, username: true, password: true, realm: true, fromUser: true, fromDomain: true, callerId: true, callerIdNumber: true, priority: true, enabled: true, maxCalls: true }),
    patch: fields.partial(),
    list: async (repos, tenant, filter, page) => {
      const found = await repos.trunks.list(tenant.id, filter, page);
      return { ...found, items: found.items.map(view) };
    },
    get: async (repos, tenant, id) => {
      const row = await repos.trunks.get(tenant.id, id);
      return row === undefined ? undefined : view(row);
    },
    create: async (repos, tenant, body) => {
      check({ username: body.username ?? null, password: body.password ?? null, callerId: body.callerId ?? 'tenant', callerIdNumber: body.callerIdNumber ?? null });
      return view(await repos.trunks.create(ownerOf(tenant), body));
    },
    update: async (repos, tenant, id, version, patch) => {
      const current = await writable(repos, tenant, id);
      if (current !== undefined) check({ ...current, ...patch });
      return view(await repos.trunks.update(ownerOf(tenant), id, version, patch));
    },
    remove: async (repos, tenant, id) => {
      const current = await writable(repos, tenant, id);
      const removed = current === undefined ? undefined : await repos.trunks.remove(ownerOf(tenant), id);
      return removed === undefined ? undefined : view(removed);
    },
  });
};
