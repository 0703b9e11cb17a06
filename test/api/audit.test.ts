import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('audit log', () => {
  let api: TestApi;
  let admin: Client;

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
  });
  after(() => api.close());

  it('records who changed what, when, with the object before and after', async () => {
    const agent = await api.login('demo', '1001');
    const created = (await agent.post('/api/v1/customers', { name: 'Audit Subject', phones: ['+8613011112222'] })).json();
    await agent.patch(`/api/v1/customers/${created.id}`, { version: 1, vip: true });
    await admin.delete(`/api/v1/customers/${created.id}`);

    const response = await admin.get(`/api/v1/audit?entity=customer&entityId=${created.id}`);
    assert.equal(response.statusCode, 200, response.body);
    const entries = response.json().items;
    assert.deepEqual(entries.map((e: { action: string }) => e.action), ['delete', 'update', 'create']);
    const [removed, updated, made] = entries;
    assert.equal(made.actorName, 'demo/1001');
    assert.equal(made.actorKind, 'user');
    assert.equal(made.before, null);
    assert.equal(made.after.name, 'Audit Subject');
    assert.equal(updated.before.vip, false);
    assert.equal(updated.after.vip, true);
    assert.equal(removed.actorName, 'demo/admin');
    assert.equal(removed.after, null);
    assert.ok(made.requestId, 'the request id ties the entry to the log');
    assert.ok(!Number.isNaN(Date.parse(made.at)));
  });

  it('a change that fails leaves no audit entry', async () => {
    const before = (await admin.get('/api/v1/audit?entity=department')).json().total;
    const duplicate = await admin.post('/api/v1/departments', { name: '办公室' });
    assert.equal(duplicate.statusCode, 409);
    assert.equal((await admin.get('/api/v1/audit?entity=department')).json().total, before);
  });

  it('only tenant administrators read it', async () => {
    const lead = await api.login('demo', 'lead');
    assert.equal((await lead.get('/api/v1/audit')).statusCode, 403);
  });
});
