import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { calendarDayKinds, type Store } from '../../store/index.js';
import { registerResource } from '../resource.js';

/** A real date of the Gregorian calendar, as `YYYY-MM-DD`. */
const date = z.iso.date('a date as YYYY-MM-DD');

const fields = z.object({
  date,
  kind: z.enum(calendarDayKinds),
  name: z.string().trim().max(100),
});

/**
 * The tenant's calendar (FEATURES B9): public holidays, on which schedules take their holiday
 * exit, and make-up working days (调休), on which they open even on a weekend.
 */
export const calendarRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  registerResource(app, store, {
    entity: 'calendar day',
    path: '/calendar',
    description: 'holidays and make-up working days; ?from=&to= for a range of dates',
    roles: { read: ['tenant_admin', 'supervisor'], write: ['tenant_admin'] },
    filter: z.object({ from: date.optional(), to: date.optional(), kind: z.enum(calendarDayKinds).optional() }),
    body: fields.partial({ name: true }),
    patch: fields.partial(),
    list: (repos, tenant, filter, page) => repos.calendar.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.calendar.get(tenant.id, id),
    create: (repos, tenant, body) => repos.calendar.create(tenant.id, body),
    update: (repos, tenant, id, version, patch) => repos.calendar.update(tenant.id, id, version, patch),
    remove: (repos, tenant, id) => repos.calendar.remove(tenant.id, id),
  });
};
