/** The routing service's view of the directory: the tenant's queues and its agents, from the store. */
import type { Store } from '../store/index.js';
import type { AgentRow, QueueRow, RoutingDirectory } from './ports.js';

const PAGE = 500;

export function storeDirectory(store: Store): RoutingDirectory {
  return {
    async queues(tenantId): Promise<QueueRow[]> {
      return (await store.repos.queues.all(tenantId)).map((queue) => ({ name: queue.name, settings: queue.settings as Record<string, unknown> }));
    },
    async notReadyReasons(tenantId): Promise<string[]> {
      return (await store.repos.notReadyReasons.list(tenantId)).map((reason) => reason.code);
    },
    async agents(tenantId): Promise<AgentRow[]> {
      const rows: AgentRow[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await store.repos.agents.list(tenantId, {}, { limit: PAGE, offset });
        rows.push(...page.items.map((a) => ({ id: a.id, extension: a.extension, displayName: a.displayName, skills: a.skills, disabled: a.disabled, remoteNumber: a.remoteNumber })));
        if (page.items.length < PAGE) return rows;
      }
    },
  };
}
