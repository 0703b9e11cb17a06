/** The routing service over a test database, publishing to a real event hub, as main.ts wires it. */
import { EventHub } from '../../src/events/index.js';
import { RoutingService, storeDirectory } from '../../src/routing/index.js';
import type { Store } from '../../src/store/index.js';

export function testRouting(store: Store, hub = new EventHub()): RoutingService {
  return new RoutingService({
    store: store.repos.routing,
    directory: storeDirectory(store),
    events: { publish: (tenantId, event) => void hub.publish(tenantId, event), queueChanged: () => undefined },
    log: { info: () => undefined, warn: () => undefined },
  });
}
