import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { createTenant, createUser, roles as allRoles } from '../../directory/index.js';
import { ValidationError } from '../../errors.js';
import { tenantStatuses, type Store, type TenantRow } from '../../store/index.js';
import { registerResource } from '../resource.js';
import { password, searchText } from '../schemas.js';

const fields = z.object({
  slug: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, '2 to 40 lower-case letters, digits or -, starting with a letter'),
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200),
  sipRealm: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,99}$/, 'a domain-like name'),
  timeZone: z.string().refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', 'an IANA time zone'),
  locale: z.enum(['zh-CN', 'en']),
  status: z.enum(tenantStatuses),
});

const firstAdmin = z.object({
  username: z.string().regex(/^[\w.@-]{1,64}$/, '1 to 64 letters, digits or . @ - _'),
  displayName: z.string().trim().min(1).max(100),
  password,
});

/**
 * The platform tenant holds the administrators who manage every tenant (FEATURES K1): suspended or
 * deleted, it would lock everyone out of tenant management for good.
 */
function platformStays(path: string, change: string): ValidationError {
  return new ValidationError(`the platform tenant cannot be ${change}`, [{ path, message: `the platform tenant cannot be ${change}` }]);
}

/** Tenants. The platform administrator manages them all; everyone else sees only their own. */
export const tenantRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  const visible = (acting: TenantRow, row: TenantRow | undefined) =>
    acting.isPlatform || row?.id === acting.id ? row : undefined;
  registerResource(app, store, {
    entity: 'tenant',
    path: '/tenants',
    description: 'tenants: the businesses served, and the platform',
    roles: { read: allRoles, write: ['platform_admin'] },
    filter: z.object({ q: searchText, status: z.enum(tenantStatuses).optional() }),
    body: fields.partial({ sipRealm: true, timeZone: true, locale: true, status: true }).extend({ admin: firstAdmin.optional() }),
    patch: fields.omit({ slug: true, sipRealm: true }).partial(),
    // A business sees its own tenant only, and the filters apply to it as to any list.
    list: (repos, tenant, filter, page) => repos.tenants.list(tenant.isPlatform ? filter : { ...filter, id: tenant.id }, page),
    get: async (repos, tenant, id) => visible(tenant, await repos.tenants.get(id)),
    create: async (repos, _acting, { admin, ...input }) => {
      const tenant = await createTenant(repos, input);
      if (admin !== undefined) await createUser(repos, tenant.id, { ...admin, roles: ['tenant_admin'] });
      return tenant;
    },
    update: async (repos, _acting, id, version, patch) => {
      if (patch.status === 'suspended' && (await repos.tenants.get(id))?.isPlatform === true) throw platformStays('status', 'suspended');
      return repos.tenants.update(id, version, patch);
    },
    remove: async (repos, acting, id) => {
      const row = visible(acting, await repos.tenants.get(id));
      if (row?.isPlatform === true) throw platformStays('id', 'deleted');
      return row === undefined ? undefined : repos.tenants.remove(id);
    },
  });
};
