import type { FastifyRequest } from 'fastify';
import type { AuditAction, Repositories } from '../store/index.js';
import { actor } from './auth.js';

/**
 * Records a change made through the API, in the same transaction as the change: who (user or API
 * key), when, what, and the object before and after. Repositories return objects without secrets
 * (password hashes, SIP digests, key hashes), so none reach the log.
 */
export async function audit(
  repos: Repositories,
  request: FastifyRequest,
  change: { action: AuditAction; entity: string; id: string; before?: unknown; after?: unknown },
): Promise<void> {
  const { principal, tenant } = actor(request);
  await repos.audit.record(tenant.id, {
    actorKind: principal.kind,
    actorId: principal.id,
    actorName: principal.kind === 'user' ? `${principal.home.slug}/${principal.name}` : principal.name,
    action: change.action,
    entity: change.entity,
    entityId: change.id,
    before: change.before ?? null,
    after: change.after ?? null,
    requestId: request.id,
    sourceIp: request.ip,
  });
}
