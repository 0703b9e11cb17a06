import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventHub, type StreamEvent } from '../../src/events/index.js';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('[E2] an agent calls a supervisor; a supervisor changes an agent\'s skills', () => {
  const hub = new EventHub();
  const seen: StreamEvent[] = [];
  let api: TestApi;
  let agent: Client;
  let lead: Client;
  let demoId: string;
  let agentId: string;

  before(async () => {
    api = await startTestApi({ events: { hub } });
    agent = await api.login('demo', '1001');
    lead = await api.login('demo', 'lead');
    demoId = (await lead.get('/api/v1/auth/me')).json().tenant.id;
    hub.subscribe(demoId, (event) => void seen.push(event));
    agentId = (await lead.get('/api/v1/agents?q=1001')).json().items.find((a: { extension: string }) => a.extension === '1001').id;
  });
  after(() => api.close());

  it('the request goes to supervisors as agent.help, stays listed until answered, and its answer goes to the agent', async () => {
    const asked = await agent.post('/api/v1/agents/me/help', { note: '客户要投诉' });
    assert.equal(asked.statusCode, 201, asked.body);
    const help = asked.json();
    assert.deepEqual([help.agentId, help.extension, help.note], [agentId, '1001', '客户要投诉']);
    const event = seen.find((e) => e.type === 'agent.help');
    assert.deepEqual([event?.audience, event?.data], ['supervisors', { helpId: help.helpId, agentId, extension: '1001', displayName: help.displayName, note: '客户要投诉' }]);

    // Asking again replaces the agent's open request.
    const again = (await agent.post('/api/v1/agents/me/help', {})).json();
    const open = (await lead.get('/api/v1/agent-help')).json().items;
    assert.deepEqual(open.map((r: { helpId: string; note: string | null }) => [r.helpId, r.note]), [[again.helpId, null]]);
    assert.equal((await agent.get('/api/v1/agent-help')).statusCode, 403);
    assert.deepEqual((await (await api.login('acme', 'admin')).get('/api/v1/agent-help')).json().items, []);

    assert.equal((await lead.post(`/api/v1/agent-help/${again.helpId}/answer`)).statusCode, 204);
    const answered = seen.find((e) => e.type === 'agent.help_answered');
    assert.deepEqual([answered?.audience, answered?.data], [{ agentId }, { helpId: again.helpId, agentId, by: 'lead' }]);
    assert.deepEqual((await lead.get('/api/v1/agent-help')).json().items, []);
    assert.equal((await lead.post(`/api/v1/agent-help/${again.helpId}/answer`)).statusCode, 404);
  });

  it('refuses a user who is no agent, and a note too long', async () => {
    assert.equal((await lead.post('/api/v1/agents/me/help', {})).statusCode, 403);
    const long = await agent.post('/api/v1/agents/me/help', { note: 'x'.repeat(201) });
    assert.equal(long.statusCode, 400);
    assert.deepEqual(long.json().error.details.map((d: { path: string }) => d.path), ['note']);
  });

  it('[D5] a supervisor replaces an agent\'s skills; a bad level is a 400 naming the skill; an agent may not', async () => {
    const changed = await lead.request('PUT', `/api/v1/agents/${agentId}/skills`, { skills: { consultation: 3, vip: 9 } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual((await lead.get(`/api/v1/agents/${agentId}`)).json().skills, { consultation: 3, vip: 9 });
    const bad = await lead.request('PUT', `/api/v1/agents/${agentId}/skills`, { skills: { consultation: 11 } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().error.details.map((d: { path: string }) => d.path), ['skills.consultation']);
    assert.equal((await agent.request('PUT', `/api/v1/agents/${agentId}/skills`, { skills: {} })).statusCode, 403);
    assert.equal((await lead.request('PUT', '/api/v1/agents/00000000-0000-4000-8000-000000000000/skills', { skills: {} })).statusCode, 404);
  });
});
