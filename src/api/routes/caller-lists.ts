import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { callerLists, numberMatches, type Store } from '../../store/index.js';
import { registerResource } from '../resource.js';
import { phone, searchText } from '../schemas.js';

const fields = z.object({
  list: z.enum(callerLists),
  /** A whole number, or with `match: prefix` the beginning of numbers (`+86170`). */
  number: phone,
  match: z.enum(numberMatches),
  note: z.string().max(500),
});

/**
 * The tenant's blacklist and whitelist of calling numbers (FEATURES B10). What a listed caller
 * gets is in the call settings (`/call-settings`).
 */
export const callerListRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  registerResource(app, store, {
    entity: 'caller list entry',
    path: '/caller-lists',
    description: 'blacklisted and whitelisted calling numbers or number prefixes',
    roles: { read: ['tenant_admin', 'supervisor'], write: ['tenant_admin'] },
    filter: z.object({ list: z.enum(callerLists).optional(), q: searchText }),
    body: fields.partial({ match: true, note: true }),
    patch: fields.partial(),
    list: (repos, tenant, filter, page) => repos.callerLists.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.callerLists.get(tenant.id, id),
    create: (repos, tenant, body) => repos.callerLists.create(tenant.id, body),
    update: (repos, tenant, id, version, patch) => repos.callerLists.update(tenant.id, id, version, patch),
    remove: (repos, tenant, id) => repos.callerLists.remove(tenant.id, id),
  });
};
