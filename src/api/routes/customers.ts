import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { phoneVariants } from '../../directory/index.js';
import type { Store } from '../../store/index.js';
import { registerResource } from '../resource.js';
import { booleanQuery, email, phone, searchText } from '../schemas.js';

const fields = z.object({
  name: z.string().trim().min(1).max(200),
  company: z.string().max(200),
  phones: z.array(phone).max(20),
  emails: z.array(email).max(20),
  vip: z.boolean(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50),
  notes: z.string().max(20000),
  address: z.string().max(500),
});

/** Customer profiles (FEATURES I1): several numbers and e-mails, VIP flag, tags, notes; `?phone=` finds a caller. */
export const customerRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  registerResource(app, store, {
    entity: 'customer',
    path: '/customers',
    description: 'customer profiles; ?phone= finds the customer a number belongs to',
    roles: {
      read: ['tenant_admin', 'supervisor', 'agent', 'registrar', 'dispatcher', 'handler', 'expert'],
      write: ['tenant_admin', 'supervisor', 'agent', 'registrar', 'handler'],
      remove: ['tenant_admin', 'supervisor'],
    },
    filter: z.object({ q: searchText, phone: phone.optional(), tag: searchText, vip: booleanQuery }),
    body: fields.partial().extend({ name: fields.shape.name }),
    patch: fields.partial(),
    // A caller's number as the carrier delivers it (13800138000) finds the customer kept as +8613800138000.
    list: (repos, tenant, { phone, ...filter }, page) => repos.customers.list(tenant.id, { ...filter, ...(phone === undefined ? {} : { phones: phoneVariants(phone) }) }, page),
    get: (repos, tenant, id) => repos.customers.get(tenant.id, id),
    create: (repos, tenant, body) => repos.customers.create(tenant.id, body),
    update: (repos, tenant, id, version, patch) => repos.customers.update(tenant.id, id, version, patch),
    remove: (repos, tenant, id) => repos.customers.remove(tenant.id, id),
  });
};
