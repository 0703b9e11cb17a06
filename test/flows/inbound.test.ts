import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CalledParty, CallDecision } from '../../src/calls/index.js';
import { flowDocument, seedDemoFlows, VoiceService } from '../../src/flows/index.js';
import { MediaFiles, type TenantRow } from '../../src/store/index.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { ScriptedChannel, type Step } from '../helpers/scripted-channel.js';
import { testRouting } from '../helpers/routing.js';

describe('[A2] inbound calls to flows', () => {
  let api: TestApi;
  let demo: TenantRow;
  let acme: TenantRow;
  let service: VoiceService;
  const logged: string[] = [];

  before(async () => {
    api = await startTestApi();
    demo = (await api.store.repos.tenants.bySlug('demo'))!;
    acme = (await api.store.repos.tenants.bySlug('acme'))!;
    await seedDemoFlows(api.store, { demo, acme }, '135790');
    service = new VoiceService({
      store: api.store,
      media: new MediaFiles(api.mediaDir),
      log: { info: (_f, m) => logged.push(m), warn: (_f, m) => logged.push(m) },
      now: () => new Date('2026-11-23T02:00:00Z'),
      defaultTenant: 'demo',
      queues: testRouting(api.store),
    });
  });
  after(() => api.close());

  const party = (p: Partial<CalledParty>): CalledParty => ({ dialled: undefined, original: undefined, source: undefined, caller: '13800138000', ...p });
  const route = (p: Partial<CalledParty>, sipCallId = `c-${Math.random()}`) =>
    service.route({ sipCallId, party: party(p), domain: '127.0.0.1', callerName: undefined, receivedAt: new Date(), source: 'udp:198.51.100.7:5060' });

  async function serve(decision: CallDecision, script: Step[], sipCallId?: string): Promise<ScriptedChannel> {
    assert.equal(decision.action, 'answer', JSON.stringify(decision));
    const leg = new ScriptedChannel(script, sipCallId);
    if (decision.action === 'answer') await decision.serve(leg);
    return leg;
  }

  it('a direct call runs the number\'s flow and leaves a CDR with its trace', async () => {
    const leg = await serve(await route({ dialled: '12345' }, 'direct-1'), [{ keys: '1' }, { keys: '1' }, { hangup: true }], 'direct-1');
    assert.equal(leg.spoken[0], '您好，欢迎致电示范科技局科技服务热线。');
    const [cdr] = (await api.store.repos.cdrs.list(demo.id, { sipCallId: 'direct-1' }, { limit: 5, offset: 0 })).items;
    assert.deepEqual([cdr?.flow, cdr?.flowVersion, cdr?.called, cdr?.cause, cdr?.endedBy], ['hotline', 1, '12345', 'normal_clearing', 'caller']);
    assert.ok(cdr?.trace.some((e) => (e as { event: string; digits?: string }).digits === '1'));
    assert.ok(cdr?.answeredAt !== null && cdr?.endedAt !== null);
  });

  it('a call forwarded to the access number with Diversion or History-Info runs the business\'s flow', async () => {
    for (const source of ['diversion', 'history-info'] as const) {
      const leg = await serve(await route({ dialled: '+8675500000000', original: '+8675588880000', source }), [{ keys: '9' }, { answer: '+8613700001111' }]);
      assert.match(leg.spoken[0]!, /艾克美贸易有限公司/);
    }
  });

  it('[A3] a caller on the access number itself chooses the business by its code', async () => {
    const leg = await serve(await route({ dialled: '+8675500000000' }), [{ keys: '7777#' }, { keys: '8002#' }, { keys: '1' }, { hangup: true }]);
    assert.deepEqual(leg.spoken.slice(0, 4), ['请输入企业代码，以井号键结束', '输入有误', '请输入企业代码，以井号键结束', '您好，欢迎致电示范科技局科技服务热线。']);
  });

  it('an unknown number is refused with 404 and logged; an agent\'s extension is known (480 until routing rings it)', async () => {
    assert.deepEqual(await route({ dialled: '99999' }), { action: 'reject', status: 404, reason: 'Not Found' });
    assert.deepEqual(await route({ dialled: '1001' }), { action: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    assert.ok(logged.includes('call to an unknown number'));
  });

  it('[B10] a blacklisted caller is refused as the tenant says; a whitelisted one passes whitelist-only mode', async () => {
    await api.store.repos.callerLists.create(demo.id, { list: 'blacklist', number: '+8613900139000', match: 'exact', note: 'nuisance' });
    assert.deepEqual(await route({ dialled: '12345', caller: '13900139000' }), { action: 'reject', status: 486, reason: 'Busy Here' });
    let settings = await api.store.repos.callSettings.get(demo.id);
    settings = await api.store.repos.callSettings.update(demo.id, settings.version, { blacklistAction: 'reject-403', whitelistOnly: true });
    assert.deepEqual(await route({ dialled: '12345', caller: '13900139000' }), { action: 'reject', status: 403, reason: 'Forbidden' });
    assert.deepEqual(await route({ dialled: '12345', caller: '13800138000' }), { action: 'reject', status: 403, reason: 'Forbidden' });
    await api.store.repos.callerLists.create(demo.id, { list: 'whitelist', number: '138', match: 'prefix', note: '' });
    assert.equal((await route({ dialled: '12345', caller: '13800138000' })).action, 'answer');
    await api.store.repos.callSettings.update(demo.id, settings.version, { whitelistOnly: false, blacklistAction: 'reject-busy' });
  });

  it('[B11] a call keeps the version it started on; the next call gets the newly published one', async () => {
    const flow = (await api.store.repos.flows.list(acme.id, { q: 'hotline' }, { limit: 1, offset: 0 })).items[0]!;
    const first = await route({ dialled: '+8675588880000' });
    const v2 = flowDocument.parse({ start: 'hi', nodes: { hi: { type: 'say', text: 'version two', exits: { next: 'end' } }, end: { type: 'hangup' } } });
    await api.store.transaction((repos) => repos.flows.publish(acme.id, flow.id, flow.version, v2, 'test'));
    const second = await route({ dialled: '+8675588880000' });
    assert.match((await serve(first, [{ keys: '9' }, { answer: '+8613700001111' }])).spoken[0]!, /艾克美/);
    assert.deepEqual((await serve(second, [])).spoken, ['version two']);
  });
});
