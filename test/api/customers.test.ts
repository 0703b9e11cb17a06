import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('customers API', () => {
  let api: TestApi;
  let agent: Client;

  before(async () => {
    api = await startTestApi();
    agent = await api.login('demo', '1001');
  });
  after(() => api.close());

  it('[I1] creates a customer with several numbers and e-mails, normalising the numbers', async () => {
    const created = await agent.post('/api/v1/customers', {
      name: '周杰',
      phones: ['+86 138-0013-9999', '(010) 6234 5000'],
      emails: ['zhou@example.cn'],
      vip: true,
      tags: ['vip', 'enterprise'],
      notes: 'prefers mornings',
    });
    assert.equal(created.statusCode, 201, created.body);
    const customer = created.json();
    assert.deepEqual(customer.phones, ['+8613800139999', '01062345000']);
    assert.equal(customer.version, 1);

    const read = await agent.get(`/api/v1/customers/${customer.id}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().name, '周杰');
  });

  it('[I1] finds the customer a calling number belongs to', async () => {
    const found = await agent.get('/api/v1/customers?phone=%2B86%20138%200013%208000');
    assert.equal(found.statusCode, 200, found.body);
    const { items, total } = found.json();
    assert.equal(total, 1);
    assert.equal(items[0].name, '张伟');
    assert.equal(items[0].vip, true);

    // As carriers deliver callers: without the country code, or a landline with its trunk prefix.
    assert.deepEqual((await agent.get('/api/v1/customers?phone=13800138000')).json().items.map((c: { name: string }) => c.name), ['张伟']);
    assert.deepEqual((await agent.get('/api/v1/customers?phone=%2B861062345678')).json().items.map((c: { name: string }) => c.name), ['张伟']);

    const nobody = await agent.get('/api/v1/customers?phone=%2B8610000000');
    assert.deepEqual(nobody.json().items, []);
  });

  it('filters by text, tag and VIP flag and pages the list', async () => {
    const vip = (await agent.get('/api/v1/customers?vip=true')).json();
    assert.ok(vip.items.every((c: { vip: boolean }) => c.vip));
    const byTag = (await agent.get('/api/v1/customers?tag=citizen')).json();
    assert.deepEqual(byTag.items.map((c: { name: string }) => c.name), ['李娜']);
    const byText = (await agent.get('/api/v1/customers?q=wang')).json();
    assert.deepEqual(byText.items.map((c: { name: string }) => c.name), ['Wang Fang']);
    const page = (await agent.get('/api/v1/customers?limit=1&offset=1')).json();
    assert.equal(page.items.length, 1);
    assert.equal(page.limit, 1);
    assert.equal(page.offset, 1);
    assert.ok(page.total >= 3);
  });

  it('changes a customer with its version and answers 409 to a stale change', async () => {
    const customer = (await agent.post('/api/v1/customers', { name: 'Stale Test' })).json();
    const first = await agent.patch(`/api/v1/customers/${customer.id}`, { version: 1, notes: 'called twice' });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().version, 2);
    assert.equal(first.json().notes, 'called twice');
    assert.equal(first.json().name, 'Stale Test', 'fields left out keep their values');

    const stale = await agent.patch(`/api/v1/customers/${customer.id}`, { version: 1, notes: 'lost update' });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'ERR_STALE_VERSION');
    assert.equal((await agent.get(`/api/v1/customers/${customer.id}`)).json().notes, 'called twice');
  });

  it('answers 400 naming every bad field', async () => {
    const bad = await agent.post('/api/v1/customers', { phones: ['+86 138', 'call me'], emails: ['nope'], vip: 'yes' });
    assert.equal(bad.statusCode, 400);
    const { error } = bad.json();
    assert.equal(error.code, 'ERR_VALIDATION');
    const paths = error.details.map((d: { path: string }) => d.path).sort();
    assert.deepEqual(paths, ['emails.0', 'name', 'phones.1', 'vip']);
  });

  it('deletes a customer (supervisor) but not as an agent', async () => {
    const customer = (await agent.post('/api/v1/customers', { name: 'To delete' })).json();
    assert.equal((await agent.delete(`/api/v1/customers/${customer.id}`)).statusCode, 403);
    const lead = await api.login('demo', 'lead');
    assert.equal((await lead.delete(`/api/v1/customers/${customer.id}`)).statusCode, 204);
    assert.equal((await lead.get(`/api/v1/customers/${customer.id}`)).statusCode, 404);
  });
});
