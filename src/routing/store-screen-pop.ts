/** The screen pop's records (C6), from the store: the customer by id or by any form of the calling number, their last interactions and cases. */
import { phoneVariants } from '../directory/index.js';
import type { ScreenPopData } from '../events/index.js';
import type { Store } from '../store/index.js';
import type { ScreenPopSource } from './ports.js';

/** How many past interactions and cases the agent sees. */
const RECENT = 5;

export function storeScreenPop(store: Store): ScreenPopSource {
  const { customers, routing, cases } = store.repos;
  return {
    async lookup(tenantId, caller, customerId, except): Promise<Omit<ScreenPopData, 'ivr'>> {
      const forms = caller === null ? [] : phoneVariants(caller);
      const customer = customerId !== undefined ? await customers.get(tenantId, customerId) : forms.length === 0 ? undefined : await customers.byAnyPhone(tenantId, forms);
      const page = { limit: RECENT + 1, offset: 0 };
      const [interactions, customerCases] = await Promise.all([
        routing.listInteractions(tenantId, { callers: forms }, page),
        customer === undefined ? undefined : cases.list(tenantId, { customerId: customer.id }, { limit: RECENT, offset: 0 }),
      ]);
      return {
        caller,
        customer:
          customer === undefined
            ? null
            : { id: customer.id, name: customer.name, company: customer.company, vip: customer.vip, phones: customer.phones, emails: customer.emails, tags: customer.tags, notes: customer.notes },
        recentInteractions: interactions.items
          .filter((i) => i.id !== except)
          .slice(0, RECENT)
          .map((i) => ({ id: i.id, queue: i.queue, createdAt: i.createdAt.toISOString(), endCause: i.endCause, agentId: i.agentId })),
        cases: (customerCases?.items ?? []).map((c) => ({ id: c.id, number: c.number, type: c.type, status: c.status, createdAt: c.createdAt.toISOString() })),
      };
    },
  };
}
