import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../errors.js';
import { validateFlow, type FlowDocument } from '../../flows/index.js';
import { roles as allRoles } from '../../directory/index.js';
import type { Repositories, Store, TenantRow } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';
import { registerResource } from '../resource.js';
import { idParams, searchText, version } from '../schemas.js';

const name = z.string().regex(/^[\w-]{1,100}$/, '1 to 100 letters, digits, - or _');
const fields = z.object({
  name,
  description: z.string().max(2000),
  /** The flow document; checked in full when saved (see POST /flows/validate). */
  draft: z.unknown(),
});
const writers = ['tenant_admin'] as const;

/** Checks a document against the tenant's prompts and flows; a problem's path starts with `prefix`. */
async function checked(repos: Repositories, tenant: TenantRow, document: unknown, prefix = 'draft'): Promise<FlowDocument> {
  const result = validateFlow(document, await flowContext(repos, tenant));
  if (result.ok) return result.document;
  const details = result.problems.map((p) => ({ path: p.path === '' ? prefix : `${prefix}.${p.path}`, message: p.node === undefined ? p.message : `${p.node}: ${p.message}` }));
  throw new ValidationError(`the flow has ${details.length} problem${details.length === 1 ? '' : 's'}`, details);
}

async function flowContext(repos: Repositories, tenant: TenantRow) {
  const [prompts, flows] = await Promise.all([repos.prompts.names(tenant.id), repos.flows.names(tenant.id)]);
  return { prompts: new Set(prompts), flows: new Set(flows) };
}

/**
 * A tenant's voice flows (FEATURES B11): the draft is saved and checked; publishing freezes it
 * as the next version and makes it live for the next call, while calls in progress keep theirs;
 * rollback makes an earlier version live again.
 */
export const flowRoutes: FastifyPluginAsync<{ store: Store }> = async (parent, { store }) => {
  registerResource(parent, store, {
    entity: 'flow',
    path: '/flows',
    description: 'voice flows: drafts and their published versions',
    roles: { read: allRoles, write: writers },
    filter: z.object({ q: searchText }),
    body: fields.partial().extend({ name, draft: z.unknown() }),
    patch: fields.partial(),
    list: (repos, tenant, filter, page) => repos.flows.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.flows.get(tenant.id, id),
    create: async (repos, tenant, body) => repos.flows.create(tenant.id, { ...body, draft: await checked(repos, tenant, body.draft) }),
    update: async (repos, tenant, id, expected, patch) =>
      repos.flows.update(tenant.id, id, expected, patch.draft === undefined ? patch : { ...patch, draft: await checked(repos, tenant, patch.draft) }),
    remove: (repos, tenant, id) => repos.flows.remove(tenant.id, id),
  });

  const app = parent.withTypeProvider<ZodTypeProvider>();
  const tags = ['flows'];
  const notFound = () => new NotFoundError('flow not found');

  app.post(
    '/flows/validate',
    {
      config: { roles: writers },
      schema: { tags, summary: 'Check a flow document without saving it; every problem names its node', body: z.object({ document: z.unknown() }) },
    },
    async (request) => {
      const { tenant } = actor(request);
      const result = validateFlow(request.body.document, await flowContext(store.repos, tenant));
      return result.ok ? { ok: true, problems: [] } : { ok: false, problems: result.problems };
    },
  );

  app.post(
    '/flows/:id/publish',
    {
      config: { roles: writers },
      schema: { tags, summary: 'Publish the draft as the next version and make it live', params: idParams, body: z.object({ version }) },
    },
    async (request) => {
      const { tenant, principal } = actor(request);
      return store.transaction(async (repos) => {
        const before = await repos.flows.get(tenant.id, request.params.id);
        if (before === undefined) throw notFound();
        const document = await checked(repos, tenant, before.draft);
        const by = principal.kind === 'user' ? `${principal.home.slug}/${principal.name}` : principal.name;
        const after = await repos.flows.publish(tenant.id, before.id, request.body.version, document, by);
        await audit(repos, request, { action: 'update', entity: 'flow', id: after.id, before, after });
        return after;
      });
    },
  );

  app.post(
    '/flows/:id/rollback',
    {
      config: { roles: writers },
      schema: {
        tags,
        summary: 'Make an earlier published version live again',
        params: idParams,
        body: z.object({ version, number: z.number().int().min(1) }),
      },
    },
    async (request) => {
      const { tenant } = actor(request);
      return store.transaction(async (repos) => {
        const before = await repos.flows.get(tenant.id, request.params.id);
        if (before === undefined) throw notFound();
        const after = await repos.flows.rollback(tenant.id, before.id, request.body.version, request.body.number);
        await audit(repos, request, { action: 'update', entity: 'flow', id: after.id, before, after });
        return after;
      });
    },
  );

  app.get(
    '/flows/:id/versions',
    { config: { roles: allRoles }, schema: { tags, summary: 'The published versions, newest first', params: idParams } },
    async (request) => {
      const { tenant } = actor(request);
      if ((await store.repos.flows.get(tenant.id, request.params.id)) === undefined) throw notFound();
      return { items: await store.repos.flows.versions(tenant.id, request.params.id) };
    },
  );

  app.get(
    '/flows/:id/versions/:number',
    {
      config: { roles: allRoles },
      schema: { tags, summary: 'One published version with its document', params: idParams.extend({ number: z.coerce.number().int().min(1) }) },
    },
    async (request) => {
      const { tenant } = actor(request);
      const row = await store.repos.flows.version(tenant.id, request.params.id, request.params.number);
      if (row === undefined) throw notFound();
      return row;
    },
  );
};
