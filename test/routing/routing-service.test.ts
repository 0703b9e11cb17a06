import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAgent } from '../../src/directory/index.js';
import { RoutingService, storeDirectory } from '../../src/routing/index.js';
import type { ValidationError } from '../../src/errors.js';
import type { TenantRow } from '../../src/store/index.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('the routing service over a store', () => {
  let test: TestStore;
  let demo: TenantRow;
  let routing: RoutingService;
  const changed: string[] = [];

  before(async () => {
    test = await testStore('demo');
    demo = test.tenants[0]!;
    await test.store.repos.queues.create(demo.id, { name: 'consultation', settings: {} });
    routing = new RoutingService({
      store: test.store.repos.routing,
      directory: storeDirectory(test.store),
      events: { publish: () => undefined, queueChanged: (_tenant, queue) => void changed.push(queue) },
      log: { info: () => undefined, warn: () => undefined },
    });
  });
  after(async () => {
    await routing.stop();
    await test.close();
  });

  it('an agent\'s change of state touches the statistics of the queues they serve, not of their other skills', async () => {
    const agent = await createAgent(test.store.repos, demo, {
      username: '1001',
      displayName: 'Li Ming',
      password: 'agent-pass-1',
      extension: '1001',
      sipPassword: 'sip-pass-1',
      skills: { consultation: 5, french: 7 },
    });
    assert.equal(routing.statsNow(demo.id, 'consultation'), undefined, 'nothing is routed before the tenant is needed');
    await routing.command(demo.id, agent.id, { type: 'login' });
    assert.deepEqual([...new Set(changed)], ['consultation']);
    assert.equal(routing.statsNow(demo.id, 'consultation')?.agents.ready, 1);
    assert.equal(routing.statsNow(demo.id, 'french'), undefined, 'a skill is not a queue');
  });

  it('[A4] an agent logs in remotely only with an outside number on their record (400 naming `endpoint`), and is at their phones again after logging out', async () => {
    const plain = await createAgent(test.store.repos, demo, { username: '1003', displayName: 'Wang', password: 'agent-pass-3', extension: '1003', sipPassword: 'sip-pass-3', skills: { consultation: 5 } });
    const remote = await createAgent(test.store.repos, demo, {
      username: '1004',
      displayName: 'Zhao',
      password: 'agent-pass-4',
      extension: '1004',
      sipPassword: 'sip-pass-4',
      skills: { consultation: 5 },
      remoteNumber: '13900139004',
    });
    await routing.changed(demo.id);
    await assert.rejects(routing.command(demo.id, plain.id, { type: 'login', endpoint: 'remote' }), (error: ValidationError) => error.details?.[0]?.path === 'endpoint');
    assert.equal((await routing.agent(demo.id, plain.id))?.state, 'logged_out', 'the refused login changed nothing');
    const logged = await routing.command(demo.id, remote.id, { type: 'login', endpoint: 'remote' });
    assert.deepEqual([logged.state, logged.endpoint], ['ready', 'remote']);
    await routing.command(demo.id, remote.id, { type: 'logout' });
    assert.equal((await routing.agent(demo.id, remote.id))?.endpoint, 'phone');
  });
});
