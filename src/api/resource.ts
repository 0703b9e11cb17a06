/**
 * The five routes of a tenant's collection (list with filters and paging, read, create, change
 * with optimistic concurrency, delete), each change audited in its own transaction. A resource
 * says what it is, who may read and write it, its schemas and how its store does each step.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../directory/index.js';
import { NotFoundError } from '../errors.js';
import type { Page, PageRequest, Repositories, Store, TenantRow } from '../store/index.js';
import { audit } from './audit.js';
import { actor } from './auth.js';
import { idParams, pageQuery, version } from './schemas.js';

type Shape = z.ZodRawShape;

export interface Resource<Row extends { id: string }, Filter extends Shape, Body extends Shape, Patch extends Shape> {
  /** Singular name, as the audit log and error messages say it: `customer`. */
  entity: string;
  /** Collection path under /api/v1: `/customers`. */
  path: string;
  description: string;
  roles: { read: readonly Role[]; write: readonly Role[]; remove?: readonly Role[] };
  filter: z.ZodObject<Filter>;
  body: z.ZodObject<Body>;
  /** The changeable fields; `version` is added. */
  patch: z.ZodObject<Patch>;
  list(repos: Repositories, tenant: TenantRow, filter: z.output<z.ZodObject<Filter>>, page: PageRequest): Promise<Page<Row>>;
  get(repos: Repositories, tenant: TenantRow, id: string): Promise<Row | undefined>;
  /** Absent when the resource is created otherwise (an upload): no POST route is made. */
  create?(repos: Repositories, tenant: TenantRow, body: z.output<z.ZodObject<Body>>): Promise<Row>;
  update(repos: Repositories, tenant: TenantRow, id: string, version: number, patch: z.output<z.ZodObject<Patch>>): Promise<Row>;
  remove(repos: Repositories, tenant: TenantRow, id: string): Promise<Row | undefined>;
  /** Runs after a delete has committed: removes what lives outside the database (files). */
  removed?(row: Row): Promise<void>;
}

export function registerResource<Row extends { id: string }, Filter extends Shape, Body extends Shape, Patch extends Shape>(
  parent: FastifyInstance,
  store: Store,
  resource: Resource<Row, Filter, Body, Patch>,
): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { entity, path, roles } = resource;
  const tags = [path.slice(1)];
  const missing = () => new NotFoundError(`${entity} not found`);
  const itemPath = `${path}/:id`;

  app.get(
    path,
    {
      config: { roles: roles.read },
      schema: { tags, summary: `List: ${resource.description}`, querystring: resource.filter.extend(pageQuery) },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query as { limit: number; offset: number };
      return resource.list(store.repos, actor(request).tenant, filter as z.output<z.ZodObject<Filter>>, { limit, offset });
    },
  );

  app.get(itemPath, { config: { roles: roles.read }, schema: { tags, summary: `One ${entity}`, params: idParams } }, async (request) => {
    const row = await resource.get(store.repos, actor(request).tenant, request.params.id);
    if (row === undefined) throw missing();
    return row;
  });

  const create = resource.create?.bind(resource);
  if (create !== undefined) {
    app.post(
      path,
      { config: { roles: roles.write }, schema: { tags, summary: `Create a ${entity}`, body: resource.body } },
      async (request, reply) => {
        const { tenant } = actor(request);
        const created = await store.transaction(async (repos) => {
          const row = await create(repos, tenant, request.body as z.output<z.ZodObject<Body>>);
          await audit(repos, request, { action: 'create', entity, id: row.id, after: row });
          return row;
        });
        return reply.code(201).send(created);
      },
    );
  }

  app.patch(
    itemPath,
    {
      config: { roles: roles.write },
      schema: {
        tags,
        summary: `Change a ${entity}; send the version you read (409 if it changed since)`,
        params: idParams,
        body: resource.patch.partial().extend({ version }),
      },
    },
    async (request) => {
      const { tenant } = actor(request);
      const { version: expected, ...changes } = request.body as { version: number };
      return store.transaction(async (repos) => {
        const before = await resource.get(repos, tenant, request.params.id);
        if (before === undefined) throw missing();
        const after = await resource.update(repos, tenant, before.id, expected, changes as z.output<z.ZodObject<Patch>>);
        await audit(repos, request, { action: 'update', entity, id: after.id, before, after });
        return after;
      });
    },
  );

  app.delete(
    itemPath,
    { config: { roles: roles.remove ?? roles.write }, schema: { tags, summary: `Delete a ${entity}`, params: idParams } },
    async (request, reply) => {
      const { tenant } = actor(request);
      const removed = await store.transaction(async (repos) => {
        const before = await resource.remove(repos, tenant, request.params.id);
        if (before === undefined) throw missing();
        await audit(repos, request, { action: 'delete', entity, id: before.id, before });
        return before;
      });
      await resource.removed?.(removed);
      return reply.code(204).send();
    },
  );
}
