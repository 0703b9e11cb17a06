import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { queueSettingsSchema } from '../../src/routing/index.js';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface Queue {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  version: number;
}

function failure(response: LightMyRequestResponse, status: number): { code: string; paths: string[] } {
  assert.equal(response.statusCode, status, response.body);
  const { error } = response.json() as { error: { code: string; details: { path: string }[] } };
  return { code: error.code, paths: error.details.map((d) => d.path) };
}

describe('queues, interactions and agent states API', () => {
  let api: TestApi;
  let admin: Client;
  let lead: Client;
  let agent: Client;

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    lead = await api.login('demo', 'lead');
    agent = await api.login('demo', '1001');
  });
  after(() => api.close());

  it('[issue6] agents read the demo queues, whose settings are routing settings as the core runs them', async () => {
    const response = await agent.get('/api/v1/queues');
    assert.equal(response.statusCode, 200, response.body);
    const queues = response.json().items as Queue[];
    // `consultation` is the queue the demo hotline's `queue` node enters.
    assert.deepEqual(queues.map((q) => q.name), ['complaints', 'consultation']);
    for (const queue of queues) {
      const { id, ...config } = queueSettingsSchema.parse({ ...queue.settings, id: queue.name });
      assert.equal(id, queue.name);
      assert.deepEqual(config, queue.settings, `${queue.name}: every default written out`);
    }
    const one = await agent.get('/api/v1/queues/consultation');
    assert.equal(one.statusCode, 200);
    assert.deepEqual([one.json().settings.strategy, one.json().settings.ringTimeoutSeconds, one.json().settings.wrapUpSeconds], ['longest_idle', 20, 10]);
    assert.equal(failure(await agent.get('/api/v1/queues/nowhere'), 404).code, 'ERR_NOT_FOUND');
    assert.equal(failure(await agent.post('/api/v1/queues', { name: 'mine' }), 403).code, 'ERR_FORBIDDEN');
  });

  it('[issue6] a supervisor creates a queue; what is left out takes routing\'s defaults', async () => {
    const response = await lead.post('/api/v1/queues', { name: 'vip-line', settings: { strategy: 'ring_all', priority: 20 } });
    assert.equal(response.statusCode, 201, response.body);
    const queue = response.json() as Queue;
    assert.deepEqual(
      [queue.settings.strategy, queue.settings.priority, queue.settings.ringTimeoutSeconds, queue.settings.serviceLevel, queue.version],
      ['ring_all', 20, 20, { percent: 80, seconds: 20 }, 1],
    );
    const bare = await admin.post('/api/v1/queues', { name: 'bare' });
    assert.equal(bare.statusCode, 201, bare.body);
    assert.equal(bare.json().settings.strategy, 'longest_idle');
    assert.deepEqual(failure(await admin.post('/api/v1/queues', { name: 'bare' }), 409).paths, ['name']);
  });

  it('[issue6] a bad queue is a 400 naming the field', async () => {
    const bad = async (body: object) => failure(await lead.post('/api/v1/queues', body), 400);
    assert.deepEqual((await bad({ name: 'q1', settings: { strategy: 'fastest' } })).paths, ['settings.strategy']);
    assert.deepEqual((await bad({ name: 'q1', settings: { ringTimeoutSeconds: -5 } })).paths, ['settings.ringTimeoutSeconds']);
    assert.deepEqual((await bad({ name: 'q1', settings: { colour: 'red' } })).paths, ['settings']);
    assert.deepEqual((await bad({ name: 'q1', settings: { maxWaitSeconds: 60 } })).paths, ['settings.overflow'], 'a maximum wait needs somewhere to go');
    assert.deepEqual((await bad({ name: 'q1', settings: { overflow: { kind: 'queue', queue: 'nowhere' } } })).paths, ['settings.overflow.queue'], 'an unknown queue');
    assert.deepEqual((await bad({ name: 'q1', settings: { overflow: { kind: 'queue', queue: 'q1' } } })).paths, ['settings.overflow.queue'], 'itself');
    assert.deepEqual((await bad({ name: 'no spaces' })).paths, ['name']);
    assert.equal((await lead.get('/api/v1/queues/q1')).statusCode, 404, 'nothing was made');
  });

  it('[issue6] settings are replaced with optimistic versions: 409 on a stale one, 404 for no queue', async () => {
    const created = (await lead.post('/api/v1/queues', { name: 'chat', settings: { wrapUpSeconds: 5 } })).json() as Queue;
    const changed = await lead.request('PUT', '/api/v1/queues/chat', { version: 1, settings: { strategy: 'fewest_calls', maxWaitSeconds: 300, overflow: { kind: 'queue', queue: 'consultation' } } });
    assert.equal(changed.statusCode, 200, changed.body);
    const queue = changed.json() as Queue;
    assert.deepEqual([queue.id, queue.version, queue.settings.strategy, queue.settings.wrapUpSeconds], [created.id, 2, 'fewest_calls', 0]);
    assert.deepEqual(failure(await lead.request('PUT', '/api/v1/queues/chat', { version: 1, settings: {} }), 409).paths, ['version']);
    assert.deepEqual(failure(await lead.request('PUT', '/api/v1/queues/chat', { version: 2, settings: { priority: 1000 } }), 400).paths, ['settings.priority']);
    assert.equal(failure(await lead.request('PUT', '/api/v1/queues/nowhere', { version: 1, settings: {} }), 404).code, 'ERR_NOT_FOUND');
    assert.equal((await agent.get('/api/v1/queues/chat')).json().version, 2);
  });

  it('[issue6] a queue another overflows to cannot be deleted; others can', async () => {
    const refused = failure(await admin.delete('/api/v1/queues/consultation'), 409);
    assert.deepEqual([refused.code, refused.paths], ['ERR_IN_USE', ['name']]);
    await lead.post('/api/v1/queues', { name: 'temporary' });
    assert.equal((await lead.delete('/api/v1/queues/temporary')).statusCode, 204);
    assert.equal((await lead.get('/api/v1/queues/temporary')).statusCode, 404);
    assert.equal(failure(await lead.delete('/api/v1/queues/temporary'), 404).code, 'ERR_NOT_FOUND');
  });

  it('[issue6-9] supervisors read interactions with their timelines; other tenants do not, agents only their own', async () => {
    const demo = (await api.store.repos.tenants.bySlug('demo'))!.id;
    const routing = api.store.repos.routing;
    const id = randomUUID();
    const agentId = randomUUID();
    const at = new Date('2025-06-02T09:00:00Z');
    await routing.createInteraction(demo, { id, channel: 'voice', queue: 'consultation', sipCallId: 'abc@host', caller: '+8613800138000', priority: 0, vip: true, createdAt: at });
    await routing.addEvent(demo, id, { at, kind: 'queued', detail: { position: 1 } });
    await routing.addEvent(demo, id, { at: new Date(at.getTime() + 2000), kind: 'offered', agentId });

    const list = await lead.get('/api/v1/interactions?state=waiting&queue=consultation&since=2025-06-02T08:00:00Z');
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().items.map((i: { id: string; vip: boolean }) => [i.id, i.vip]), [[id, true]]);
    assert.equal((await lead.get('/api/v1/interactions?until=2025-06-02T08:00:00Z')).json().total, 0);
    const one = await lead.get(`/api/v1/interactions/${id}`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(
      one.json().timeline.map((e: { kind: string; agentId: string | null; detail: object }) => [e.kind, e.agentId, e.detail]),
      [['queued', null, { position: 1 }], ['offered', agentId, {}]],
    );
    assert.deepEqual(failure(await lead.get('/api/v1/interactions?state=lost'), 400).paths, ['state']);
    assert.deepEqual(failure(await lead.get('/api/v1/interactions?since=yesterday'), 400).paths, ['since']);
    assert.equal((await agent.get('/api/v1/interactions')).json().total, 0, 'an agent sees only the interactions offered to them');

    const acme = await api.login('acme', 'admin');
    assert.equal(failure(await acme.get(`/api/v1/interactions/${id}`), 404).code, 'ERR_NOT_FOUND');
    assert.equal((await acme.get('/api/v1/interactions')).json().total, 0);
    assert.equal((await acme.get('/api/v1/queues')).json().total, 0);
    assert.equal((await acme.get('/api/v1/queues/consultation')).statusCode, 404);
  });

  it('[issue6] documents the routes in OpenAPI under their tags, with the queue settings', async () => {
    const doc = (await api.anonymous.get('/api/openapi.json')).json();
    const tagOf = (path: string, method: string) => doc.paths[path]?.[method]?.tags;
    assert.deepEqual(tagOf('/api/v1/queues', 'post'), ['queues']);
    assert.deepEqual(tagOf('/api/v1/queues/{name}', 'put'), ['queues']);
    assert.deepEqual(tagOf('/api/v1/interactions/{id}', 'get'), ['interactions']);
    assert.deepEqual(tagOf('/api/v1/agent-states', 'get'), ['agent-states']);
    const body = doc.paths['/api/v1/queues'].post.requestBody.content['application/json'].schema;
    assert.ok(body.properties.settings.properties.strategy.enum.includes('longest_idle'));
  });

  it('[issue6-2] supervisors read the agent state log, by agent and time', async () => {
    const demo = (await api.store.repos.tenants.bySlug('demo'))!.id;
    const [li, chen] = [randomUUID(), randomUUID()];
    const at = (minute: number) => new Date(Date.UTC(2025, 5, 2, 9, minute));
    await api.store.repos.routing.logAgentState(demo, { agentId: li, from: 'logged_out', to: 'ready', reason: null, presence: 'ready', by: null, at: at(0) });
    await api.store.repos.routing.logAgentState(demo, { agentId: li, from: 'ready', to: 'not_ready', reason: 'lunch', presence: 'not_ready', by: 'demo/lead', at: at(30) });
    await api.store.repos.routing.logAgentState(demo, { agentId: chen, from: 'logged_out', to: 'ready', reason: null, presence: 'ready', by: null, at: at(5) });

    const mine = await lead.get(`/api/v1/agent-states?agent_id=${li}`);
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(mine.json().items.map((e: { to: string; reason: string | null; by: string | null }) => [e.to, e.reason, e.by]), [['not_ready', 'lunch', 'demo/lead'], ['ready', null, null]]);
    const early = await admin.get('/api/v1/agent-states?since=2025-06-02T09:00:00Z&until=2025-06-02T09:10:00Z');
    assert.deepEqual(early.json().items.map((e: { agentId: string }) => e.agentId), [chen, li]);
    assert.deepEqual(failure(await lead.get('/api/v1/agent-states?agent_id=1001'), 400).paths, ['agent_id']);
    assert.equal((await (await api.login('acme', 'admin')).get('/api/v1/agent-states')).json().total, 0);
  });
});
