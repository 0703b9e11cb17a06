import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { StreamEvent } from '../../src/events/index.js';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('[D2] wrap-up: a disposition code and a note on an answered interaction', () => {
  let api: TestApi;
  let lead: Client;
  let agent: Client;
  let other: Client;
  let demo: string;
  let agentId: string;

  /** An interaction of the demo tenant, answered by agent 1001 unless `answered` is false. */
  async function interaction(answered = true): Promise<string> {
    const id = randomUUID();
    const at = new Date('2026-06-02T09:00:00Z');
    await api.store.repos.routing.createInteraction(demo, { id, channel: 'voice', queue: 'consultation', sipCallId: `${id}@host`, caller: '+8613800138000', priority: 0, vip: false, createdAt: at });
    if (answered) await api.store.repos.routing.updateInteraction(demo, id, { state: 'ended', answeredAt: new Date(at.getTime() + 5000), agentId, endedAt: new Date(at.getTime() + 60_000) });
    return id;
  }

  before(async () => {
    api = await startTestApi();
    lead = await api.login('demo', 'lead');
    agent = await api.login('demo', '1001');
    other = await api.login('demo', '1002');
    demo = (await api.store.repos.tenants.bySlug('demo'))!.id;
    const user = (await api.store.repos.users.list(demo, { q: '1001' }, { limit: 5, offset: 0 })).items.find((u) => u.username === '1001')!;
    agentId = (await api.store.repos.agents.ofUser(demo, user.id))!.id;
  });
  after(() => api.close());

  it('the agent who answered wraps up; the interaction and its timeline show it, and the event stream tells', async () => {
    const id = await interaction();
    const seen: StreamEvent[] = [];
    const subscription = api.app.events.subscribe(demo, (event) => seen.push(event));
    const response = await agent.post(`/api/v1/interactions/${id}/wrap-up`, { disposition: 'resolved', note: '客户咨询政策，已解答' });
    subscription.unsubscribe();
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual([response.json().disposition, response.json().wrapUpNote, response.json().wrappedUpBy], ['resolved', '客户咨询政策，已解答', '1001']);

    const read = await agent.get(`/api/v1/interactions/${id}`);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().disposition, 'resolved');
    assert.deepEqual(read.json().timeline.at(-1).kind, 'wrapped_up');
    assert.deepEqual(read.json().timeline.at(-1).detail, { disposition: 'resolved', note: '客户咨询政策，已解答', by: '1001' });
    assert.equal((await lead.get(`/api/v1/interactions/${id}`)).json().wrapUpNote, '客户咨询政策，已解答');

    const wrapped = seen.filter((event) => event.type === 'interaction.wrapped_up');
    assert.deepEqual(wrapped.map((event) => [event.data, event.audience]), [
      [{ interactionId: id, agentId, disposition: 'resolved', note: '客户咨询政策，已解答', by: '1001' }, { agentId }],
    ]);

    const again = await lead.post(`/api/v1/interactions/${id}/wrap-up`, { disposition: 'callback_needed' });
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual([again.json().disposition, again.json().wrapUpNote, again.json().wrappedUpBy], ['callback_needed', null, 'lead']);
    const timeline = (await lead.get(`/api/v1/interactions/${id}`)).json().timeline as { kind: string }[];
    assert.equal(timeline.filter((entry) => entry.kind === 'wrapped_up').length, 2, 'every wrap-up stays in the timeline');
  });

  it('refuses another agent (404: not theirs to see), an unanswered interaction (409), a bad code (400) and an unknown one (404)', async () => {
    const id = await interaction();
    const foreign = await other.post(`/api/v1/interactions/${id}/wrap-up`, { disposition: 'resolved' });
    assert.deepEqual([foreign.statusCode, foreign.json().error.code], [404, 'ERR_NOT_FOUND']);
    assert.equal((await other.get(`/api/v1/interactions/${id}`)).statusCode, 404);

    const waiting = await interaction(false);
    const unanswered = await lead.post(`/api/v1/interactions/${waiting}/wrap-up`, { disposition: 'resolved' });
    assert.deepEqual([unanswered.statusCode, unanswered.json().error.code], [409, 'ERR_INTERACTION_STATE']);

    const bad = await agent.post(`/api/v1/interactions/${id}/wrap-up`, { disposition: 'not a code!', note: 'x'.repeat(2001) });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual((bad.json().error.details as { path: string }[]).map((d) => d.path).sort(), ['disposition', 'note']);

    assert.equal((await lead.post(`/api/v1/interactions/${randomUUID()}/wrap-up`, { disposition: 'resolved' })).statusCode, 404);
    const acme = await api.login('acme', 'admin');
    assert.equal((await acme.post(`/api/v1/interactions/${id}/wrap-up`, { disposition: 'resolved' })).statusCode, 404);
  });
});
