import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ValidationError, type ErrorDetail } from '../../errors.js';
import { numberKinds, type BindingInput, type NumberKind, type Repositories, type Store, type TenantRow } from '../../store/index.js';
import { registerResource } from '../resource.js';
import { phone, searchText } from '../schemas.js';

const binding = z.object({
  /** Slug of the business served; default the number's owner. Only the platform binds others. */
  tenant: z.string().min(1).max(40).optional(),
  extensionCode: z.string().regex(/^[0-9]{1,8}$/, '1 to 8 digits').nullable().optional(),
  service: z.string().regex(/^[\w-]{1,64}$/, '1 to 64 letters, digits, - or _'),
  flow: z.string().min(1).max(100).nullable().optional(),
});

const fields = z.object({
  number: phone,
  kind: z.enum(numberKinds),
  label: z.string().max(200),
  bindings: z.array(binding).max(1000),
});

type BindingBody = z.output<typeof binding>;

/**
 * What a caller can select on a number of this kind (FEATURES A3): extension codes only on a
 * shared number, and each code (or the lack of one) leads to one binding, else the caller's
 * choice would be ambiguous. Rows are checked in order; problems name `bindings.<i>.extensionCode`.
 */
function selectionProblems(kind: NumberKind, bindings: readonly { extensionCode: string | null }[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const firstWith = new Map<string, number>();
  for (const [i, { extensionCode }] of bindings.entries()) {
    const path = `bindings.${i}.extensionCode`;
    if (extensionCode !== null && kind !== 'shared') {
      problems.push({ path, message: 'extension codes select a business only on a shared number' });
      continue;
    }
    const key = extensionCode ?? '';
    const earlier = firstWith.get(key);
    if (earlier === undefined) firstWith.set(key, i);
    else if (extensionCode === null) problems.push({ path, message: `binding ${earlier} already answers callers who key in no code` });
    else problems.push({ path, message: `extension code ${extensionCode} already selects binding ${earlier}` });
  }
  return problems;
}

/**
 * Turns the bindings of a request into rows, checking the rules of FEATURES A2/A3: extension codes
 * select a business only on a shared number, and only the platform binds its numbers to other
 * tenants (businesses cannot route another business's callers, nor learn which tenants exist).
 */
async function resolveBindings(
  repos: Repositories,
  owner: TenantRow,
  kind: NumberKind,
  bindings: BindingBody[],
): Promise<BindingInput[]> {
  const problems: ErrorDetail[] = [];
  const rows: BindingInput[] = [];
  for (const [i, b] of bindings.entries()) {
    let tenantId = owner.id;
    if (b.tenant !== undefined && b.tenant !== owner.slug) {
      const path = `bindings.${i}.tenant`;
      const served = owner.isPlatform ? await repos.tenants.bySlug(b.tenant) : undefined;
      if (!owner.isPlatform) problems.push({ path, message: 'only the platform binds numbers to other tenants' });
      else if (served === undefined) problems.push({ path, message: `no tenant ${b.tenant}` });
      else tenantId = served.id;
    }
    rows.push({ tenantId, extensionCode: b.extensionCode ?? null, service: b.service, flow: b.flow ?? null });
  }
  problems.push(...selectionProblems(kind, rows));
  if (problems.length > 0) throw new ValidationError('invalid number bindings', problems);
  return rows;
}

/** The tenant's numbers: direct, forwarded to the platform, or shared with extension codes. */
export const numberRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  registerResource(app, store, {
    entity: 'number',
    path: '/numbers',
    description: 'phone numbers and the services they are bound to',
    roles: { read: ['tenant_admin', 'supervisor'], write: ['tenant_admin'] },
    filter: z.object({ q: searchText, kind: z.enum(numberKinds).optional() }),
    body: fields.partial({ label: true, bindings: true }),
    patch: fields.partial(),
    list: (repos, tenant, filter, page) => repos.numbers.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.numbers.get(tenant.id, id),
    create: async (repos, tenant, { bindings, ...number }) =>
      repos.numbers.create(tenant.id, { ...number, label: number.label ?? '' }, await resolveBindings(repos, tenant, number.kind, bindings ?? [])),
    update: async (repos, tenant, id, version, { bindings, ...changes }) => {
      const current = await repos.numbers.get(tenant.id, id);
      const kind = changes.kind ?? current?.kind ?? 'direct';
      if (bindings === undefined && current !== undefined && kind !== current.kind) {
        // A new kind must suit the bindings the number keeps (FEATURES A3): a shared number
        // cannot become direct while extension codes still select businesses on it.
        const problems = selectionProblems(kind, current.bindings);
        if (problems.length > 0) throw new ValidationError(`the bindings of this number do not suit kind ${kind}`, problems);
      }
      const rows = bindings === undefined ? undefined : await resolveBindings(repos, tenant, kind, bindings);
      return repos.numbers.update(tenant.id, id, version, changes, rows);
    },
    remove: (repos, tenant, id) => repos.numbers.remove(tenant.id, id),
  });
};
