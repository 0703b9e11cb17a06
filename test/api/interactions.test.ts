import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('interactions API: an agent sees their own, a supervisor all', () => {
  let api: TestApi;
  let agent1001: Client;
  let agent1002: Client;
  let lead: Client;
  const answered = randomUUID();
  const offered = randomUUID();
  const other = randomUUID();

  before(async () => {
    api = await startTestApi();
    const { store } = api;
    const tenant = (await store.repos.tenants.bySlug('demo'))!;
    const agentId = async (username: string) => (await store.repos.agents.list(tenant.id, { q: username }, { limit: 1, offset: 0 })).items[0]!.id;
    const [a1001, a1002] = [await agentId('1001'), await agentId('1002')];
    for (const [id, caller] of [[answered, '13800138000'], [offered, '13900139000'], [other, '18600186000']] as const) {
      await store.repos.routing.createInteraction(tenant.id, { id, channel: 'voice', queue: 'consultation', sipCallId: `call-${id}`, caller, priority: 0, vip: false, createdAt: new Date() });
    }
    await store.repos.routing.updateInteraction(tenant.id, answered, { state: 'connected', agentId: a1001, answeredAt: new Date() });
    await store.repos.routing.addEvent(tenant.id, offered, { at: new Date(), kind: 'offered', agentId: a1001 });
    await store.repos.routing.updateInteraction(tenant.id, other, { state: 'connected', agentId: a1002, answeredAt: new Date() });
    agent1001 = await api.login('demo', '1001');
    agent1002 = await api.login('demo', '1002');
    lead = await api.login('demo', 'lead');
  });
  after(() => api.close());

  it('[web] an agent lists only the interactions they answered; a supervisor lists every one', async () => {
    const mine = await agent1001.get('/api/v1/interactions');
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(mine.json().items.map((i: { id: string }) => i.id), [answered]);
    const all = (await lead.get('/api/v1/interactions')).json().items.map((i: { id: string }) => i.id);
    assert.deepEqual(new Set(all), new Set([answered, offered, other]));
  });

  it('[web] an agent reads an interaction offered to or answered by them (caller, Call-ID); another\'s is 404', async () => {
    const read = await agent1001.get(`/api/v1/interactions/${offered}`);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().caller, '13900139000');
    assert.equal((await agent1001.get(`/api/v1/interactions/${answered}`)).json().sipCallId, `call-${answered}`);
    assert.equal((await agent1001.get(`/api/v1/interactions/${other}`)).statusCode, 404);
    assert.equal((await agent1002.get(`/api/v1/interactions/${other}`)).statusCode, 200);
  });

  it('the agent state log stays for supervisors', async () => {
    assert.equal((await agent1001.get('/api/v1/agent-states')).statusCode, 403);
    assert.equal((await lead.get('/api/v1/agent-states')).statusCode, 200);
  });
});
