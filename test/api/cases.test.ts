import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { caseDay, MediaFiles, type TenantRow } from '../../src/store/index.js';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('[G2] an agent opens a case from the call in hand: numbered, linked and visible', () => {
  let api: TestApi;
  let admin: Client;
  let lead: Client;
  let agent: Client;
  let other: Client;
  let demo: TenantRow;
  let agentId: string;

  /** A call of the demo tenant from `caller`, answered by agent 1001. */
  async function answeredCall(caller: string): Promise<{ id: string; sipCallId: string }> {
    const id = randomUUID();
    const sipCallId = `${id}@host`;
    const at = new Date();
    await api.store.repos.routing.createInteraction(demo.id, { id, channel: 'voice', queue: 'consultation', sipCallId, caller, priority: 0, vip: false, createdAt: at });
    await api.store.repos.routing.updateInteraction(demo.id, id, { state: 'connected', answeredAt: new Date(at.getTime() + 3000), agentId });
    return { id, sipCallId };
  }

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    lead = await api.login('demo', 'lead');
    agent = await api.login('demo', '1001');
    other = await api.login('demo', '1002');
    demo = (await api.store.repos.tenants.bySlug('demo'))!;
    const user = (await api.store.repos.users.list(demo.id, { q: '1001' }, { limit: 5, offset: 0 })).items.find((u) => u.username === '1001')!;
    agentId = (await api.store.repos.agents.ofUser(demo.id, user.id))!.id;
  });
  after(() => api.close());

  it('from the interaction: the case takes the call, the caller and their customer, is open, numbered for today and on the timeline', async () => {
    const call = await answeredCall('13800138000');
    const response = await agent.post('/api/v1/cases', { type: 'fault_report', subject: '宽带断线', description: '从昨晚起断网', interactionId: call.id });
    assert.equal(response.statusCode, 201, response.body);
    const opened = response.json();
    const zhangWei = (await admin.get('/api/v1/customers?phone=13800138000')).json().items[0];
    assert.match(opened.number, new RegExp(`^${caseDay(new Date(), demo.timeZone)}\\d{4}$`));
    assert.deepEqual(
      [opened.type, opened.status, opened.subject, opened.description, opened.priority, opened.channel, opened.interactionId, opened.sipCallId, opened.caller, opened.customerId],
      ['fault_report', 'open', '宽带断线', '从昨晚起断网', 'normal', 'voice', call.id, call.sipCallId, '13800138000', zhangWei.id],
    );
    const user = (await agent.get('/api/v1/auth/me')).json();
    assert.equal(opened.openedBy, user.id);

    const timeline = (await agent.get(`/api/v1/interactions/${call.id}`)).json().timeline as { kind: string; agentId: string | null; detail: Record<string, unknown> }[];
    const entry = timeline.find((e) => e.kind === 'case_opened');
    assert.deepEqual(entry && [entry.agentId, entry.detail], [agentId, { caseId: opened.id, number: opened.number, type: 'fault_report', by: '1001' }]);

    const linked = (await agent.get(`/api/v1/cases?interaction_id=${call.id}`)).json();
    assert.deepEqual(linked.items.map((c: { number: string }) => c.number), [opened.number]);
    const ofCustomer = (await agent.get(`/api/v1/cases?customer_id=${zhangWei.id}&status=open`)).json();
    assert.ok(ofCustomer.items.some((c: { id: string }) => c.id === opened.id));
    const audited = (await admin.get(`/api/v1/audit?entity=case&entityId=${opened.id}`)).json();
    assert.deepEqual(audited.items.map((e: { action: string }) => e.action), ['create']);

    const second = (await lead.post('/api/v1/cases', { type: 'suggestion', subject: '希望延长服务时间', interactionId: call.id })).json();
    assert.equal(BigInt(second.number), BigInt(opened.number) + 1n, 'the next case of the day takes the next number');
  });

  it('takes the recording the IVR made of the same call, and a customer chosen on the desk over the calling number', async () => {
    const call = await answeredCall('13900139000');
    const media = new MediaFiles(api.mediaDir);
    const stored = await media.write(demo.id, 'cases', 'wav', Buffer.from('RIFF-earlier-complaint'));
    await api.store.transaction((repos) =>
      repos.cases.open(demo.id, caseDay(new Date(), demo.timeZone), { type: 'complaint', caller: '13900139000', customerId: null, sipCallId: call.sipCallId, recordingFile: stored.file, recordingMs: 4000, recordingSha256: stored.sha256 }),
    );
    const customer = (await admin.post('/api/v1/customers', { name: '孙丽', phones: ['13600136000'] })).json();
    const response = await agent.post('/api/v1/cases', { type: 'complaint', subject: '投诉服务态度', interactionId: call.id, customerId: customer.id, priority: 'urgent' });
    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual([response.json().customerId, response.json().recordingMs, response.json().priority], [customer.id, 4000, 'urgent']);
    const recording = await agent.get(`/api/v1/cases/${response.json().id}/recording`);
    assert.deepEqual([recording.statusCode, recording.body], [200, 'RIFF-earlier-complaint']);
  });

  it('without an interaction: a case typed in by hand, with no call', async () => {
    const response = await lead.post('/api/v1/cases', { type: 'consultation', subject: '咨询办理流程' });
    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual([response.json().channel, response.json().interactionId, response.json().caller, response.json().customerId, response.json().status], ['manual', null, null, null, 'open']);
  });

  it('bad input answers 400 naming every field; an unknown type is refused', async () => {
    const bad = await agent.post('/api/v1/cases', { type: 'gossip', subject: '   ', interactionId: 'nope', customerId: 42, priority: 'now', extra: true });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.code, 'ERR_VALIDATION');
    const paths = (bad.json().error.details as { path: string }[]).map((d) => d.path).sort();
    for (const field of ['type', 'subject', 'interactionId', 'customerId', 'priority']) assert.ok(paths.includes(field), `${field} in ${JSON.stringify(paths)}`);
    const missing = await agent.post('/api/v1/cases', {});
    assert.deepEqual((missing.json().error.details as { path: string }[]).map((d) => d.path).sort(), ['subject', 'type']);
    assert.equal((await agent.get('/api/v1/cases?interaction_id=x')).statusCode, 400);
  });

  it('tenant isolation: another tenant\'s interaction or customer is 404, its cases unseen; an agent links only their own calls', async () => {
    const call = await answeredCall('13800138000');
    const acme = await api.login('acme', 'admin');
    const fromAcme = await acme.post('/api/v1/cases', { type: 'complaint', subject: 'x', interactionId: call.id });
    assert.deepEqual([fromAcme.statusCode, fromAcme.json().error.code], [404, 'ERR_NOT_FOUND']);
    const zhangWei = (await admin.get('/api/v1/customers?phone=13800138000')).json().items[0];
    const foreignCustomer = await acme.post('/api/v1/cases', { type: 'complaint', subject: 'x', customerId: zhangWei.id });
    assert.deepEqual([foreignCustomer.statusCode, foreignCustomer.json().error.details[0].path], [404, 'customerId']);
    assert.equal((await agent.post('/api/v1/cases', { type: 'complaint', subject: 'x', interactionId: randomUUID() })).statusCode, 404);
    // 1002 never had this call: to them it does not exist.
    assert.equal((await other.post('/api/v1/cases', { type: 'complaint', subject: 'x', interactionId: call.id })).statusCode, 404);

    const opened = (await agent.post('/api/v1/cases', { type: 'tip_off', subject: '举报', interactionId: call.id })).json();
    assert.equal((await acme.get(`/api/v1/cases/${opened.id}`)).statusCode, 404);
    assert.equal((await acme.get(`/api/v1/cases?interaction_id=${call.id}`)).json().total, 0);
    assert.equal((await acme.patch(`/api/v1/cases/${opened.id}`, { version: 1, status: 'closed' })).statusCode, 404);
  });

  it('PATCH changes subject and description, closes and reopens; an illegal move or a stale version is 409', async () => {
    const call = await answeredCall('13800138000');
    const opened = (await agent.post('/api/v1/cases', { type: 'service_order', subject: '移机', interactionId: call.id })).json();
    const edited = await agent.patch(`/api/v1/cases/${opened.id}`, { version: 1, subject: '移机到新地址', description: '新地址：朝阳路 1 号' });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual([edited.json().subject, edited.json().description, edited.json().version], ['移机到新地址', '新地址：朝阳路 1 号', 2]);
    const closed = await agent.patch(`/api/v1/cases/${opened.id}`, { version: 2, status: 'closed' });
    assert.equal(closed.json().status, 'closed');
    const back = await agent.patch(`/api/v1/cases/${opened.id}`, { version: 3, status: 'draft' });
    assert.deepEqual([back.statusCode, back.json().error.code, back.json().error.details[0].path], [409, 'ERR_CASE_STATUS', 'status']);
    const stale = await agent.patch(`/api/v1/cases/${opened.id}`, { version: 1, status: 'open' });
    assert.deepEqual([stale.statusCode, stale.json().error.code], [409, 'ERR_STALE_VERSION']);
    assert.equal((await agent.patch(`/api/v1/cases/${opened.id}`, { version: 3, status: 'open' })).json().status, 'open');
    const bad = await agent.patch(`/api/v1/cases/${opened.id}`, { version: 4, subject: '', status: 'lost' });
    assert.deepEqual((bad.json().error.details as { path: string }[]).map((d) => d.path).sort(), ['status', 'subject']);
    const audited = (await admin.get(`/api/v1/audit?entity=case&entityId=${opened.id}`)).json();
    assert.equal(audited.items.filter((e: { action: string }) => e.action === 'update').length, 3);
  });

  it('a statistician reads cases but does not open them', async () => {
    const created = await admin.post('/api/v1/users', { username: 'stats', displayName: '统计', password: 'password-1', roles: ['statistician'] });
    assert.equal(created.statusCode, 201, created.body);
    const stats = await api.login('demo', 'stats', 'password-1');
    assert.equal((await stats.get('/api/v1/cases')).statusCode, 200);
    assert.equal((await stats.post('/api/v1/cases', { type: 'complaint', subject: 'x' })).statusCode, 403);
  });
});
