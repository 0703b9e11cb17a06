import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { createUser, removeUser, updateUser, type Role } from '../../directory/index.js';
import { ValidationError } from '../../errors.js';
import type { Store, TenantRow } from '../../store/index.js';
import { registerResource } from '../resource.js';
import { booleanQuery, email, password, role, searchText } from '../schemas.js';

const fields = z.object({
  username: z.string().regex(/^[\w.@-]{1,64}$/, '1 to 64 letters, digits or . @ - _'),
  displayName: z.string().trim().min(1).max(100),
  email: email.nullable(),
  password,
  roles: z.array(role).min(1, 'at least one role').max(10),
  disabled: z.boolean(),
});

/** platform_admin exists only in the platform tenant: nobody inside a business holds it. */
function checkRoles(tenant: TenantRow, roles: Role[] | undefined): void {
  const index = roles?.indexOf('platform_admin') ?? -1;
  if (index >= 0 && !tenant.isPlatform) {
    throw new ValidationError('platform_admin is held only by users of the platform tenant', [
      { path: `roles.${index}`, message: 'not allowed in a business tenant' },
    ]);
  }
}

/** People who log in, with their roles (platform tiers and the task roles of FEATURES D5). */
export const userRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  registerResource(app, store, {
    entity: 'user',
    path: '/users',
    description: 'users and their roles',
    roles: { read: ['tenant_admin', 'supervisor'], write: ['tenant_admin'] },
    filter: z.object({ q: searchText, role: role.optional(), disabled: booleanQuery }),
    body: fields.partial({ email: true, disabled: true }),
    patch: fields.partial(),
    list: (repos, tenant, filter, page) => repos.users.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.users.get(tenant.id, id),
    create: (repos, tenant, body) => {
      checkRoles(tenant, body.roles);
      return createUser(repos, tenant.id, body);
    },
    update: (repos, tenant, id, version, patch) => {
      checkRoles(tenant, patch.roles);
      return updateUser(repos, tenant.id, id, version, patch);
    },
    remove: (repos, tenant, id) => removeUser(repos, tenant.id, id),
  });
};
