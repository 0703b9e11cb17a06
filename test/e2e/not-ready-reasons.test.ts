/**
 * Each tenant's not-ready reason codes (D1) on a running node: the built-in list until the
 * administrator sets the tenant's own; from then on an agent (whose SIPp phone registered with
 * digest) going not ready must give one of those; `missed` stays routing's own and is not theirs to list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AcdCentre } from './acd-centre.js';

const password = 'demo-reasons-1';

describe('[D1] per-tenant not-ready reasons', () => {
  let centre: AcdCentre;

  before(async () => {
    centre = await AcdCentre.start(password);
    await centre.addAgent('1001');
  });
  after(() => centre.stop());

  it('the built-in reasons until the tenant sets its own; then only those are taken', async () => {
    const agent = centre.agents['1001']!.api;
    const builtIn = await agent.request('GET', '/not-ready-reasons');
    assert.equal(builtIn.status, 200);
    assert.deepEqual((builtIn.json.items as { code: string }[]).map((r) => r.code), ['break', 'lunch', 'meeting', 'training', 'other']);
    await centre.act('1001', { action: 'login' });
    await centre.act('1001', { action: 'not_ready', reason: 'lunch' });

    const items = [
      { code: 'coaching', name: '辅导', nameEn: 'Coaching' },
      { code: 'break', name: '休息', nameEn: 'Break' },
    ];
    assert.equal((await agent.request('PUT', '/not-ready-reasons', { items })).status, 403, 'an agent does not set them');
    const missed = await centre.admin.request('PUT', '/not-ready-reasons', { items: [...items, { code: 'missed', name: '未接', nameEn: 'Missed' }] });
    assert.equal(missed.status, 400, 'missed is routing\'s own');
    const twice = await centre.admin.request('PUT', '/not-ready-reasons', { items: [...items, items[0]] });
    assert.equal(twice.status, 400, JSON.stringify(twice.json));
    const set = await centre.admin.request('PUT', '/not-ready-reasons', { items });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.deepEqual(set.json.items, items);
    assert.deepEqual((await agent.request('GET', '/not-ready-reasons')).json.items, items, 'in the order set');

    await centre.act('1001', { action: 'not_ready', reason: 'coaching' });
    assert.deepEqual(await centre.state('1001'), { ...(await centre.state('1001')), state: 'not_ready', reason: 'coaching' });
    const gone = await agent.request('POST', '/agents/me/state', { action: 'not_ready', reason: 'lunch' });
    assert.equal(gone.status, 400, JSON.stringify(gone.json));
    assert.match(JSON.stringify(gone.json), /coaching/, 'the refusal lists the reasons there are');
  });
});
