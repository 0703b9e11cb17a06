import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { roles as allRoles } from '../../directory/index.js';
import type { Store } from '../../store/index.js';
import { registerResource } from '../resource.js';
import { phone, searchText } from '../schemas.js';

const fields = z.object({
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().max(100),
  phones: z.array(phone).max(20),
  description: z.string().max(2000),
});

/** Departments with their phone numbers: the directory agents transfer callers to (FEATURES D6). */
export const departmentRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  registerResource(app, store, {
    entity: 'department',
    path: '/departments',
    description: 'departments and their phone numbers',
    roles: { read: allRoles, write: ['tenant_admin'] },
    filter: z.object({ q: searchText }),
    body: fields.partial().extend({ name: fields.shape.name }),
    patch: fields.partial(),
    list: (repos, tenant, filter, page) => repos.departments.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.departments.get(tenant.id, id),
    create: (repos, tenant, body) => repos.departments.create(tenant.id, body),
    update: (repos, tenant, id, version, patch) => repos.departments.update(tenant.id, id, version, patch),
    remove: (repos, tenant, id) => repos.departments.remove(tenant.id, id),
  });
};
