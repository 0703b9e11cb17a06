import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FlowRun, flowDocument, seedDemoFlows, storeServices } from '../../src/flows/index.js';
import { MediaFiles, type ScheduleMode, type TenantRow } from '../../src/store/index.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { ScriptedChannel, type Step } from '../helpers/scripted-channel.js';
import { testRouting } from '../helpers/routing.js';

describe('demo flows', () => {
  let api: TestApi;
  let demo: TenantRow;
  let acme: TenantRow;

  before(async () => {
    api = await startTestApi();
    demo = (await api.store.repos.tenants.bySlug('demo'))!;
    acme = (await api.store.repos.tenants.bySlug('acme'))!;
    const pins = await seedDemoFlows(api.store, { demo, acme }, '135790');
    assert.deepEqual(pins.map((p) => `${p.tenant}/${p.mailbox}/${p.pin}`), ['demo/director/135790', 'acme/holiday/135790']);
  });
  after(() => api.close());

  /** A call on Monday 23 November 2026 at 10:00 in Shanghai; `night` throws the tenant's night switch. */
  async function call(tenant: TenantRow, script: Step[], mode: ScheduleMode = 'auto') {
    const settings = await api.store.repos.callSettings.get(tenant.id);
    await api.store.repos.callSettings.update(tenant.id, settings.version, { scheduleMode: mode });
    const live = await api.store.repos.flows.live(tenant.id, 'hotline');
    assert.equal(live?.number, 1);
    const channel = new ScriptedChannel(script);
    const services = await storeServices({
      store: api.store,
      media: new MediaFiles(api.mediaDir),
      tenant,
      call: { sipCallId: 'demo-call', caller: '13800138000', customerId: undefined },
      now: () => new Date('2026-11-23T02:00:00Z'),
      queues: testRouting(api.store),
    });
    const outcome = await new FlowRun({ document: flowDocument.parse(live!.document), channel, services, variables: { 'tenant.name': tenant.name } }).run();
    return { channel, outcome };
  }

  it('[B1] the science hotline greets in the bureau\'s name and reads out the policy chosen', async () => {
    const { channel } = await call(demo, [{ keys: '1' }, { keys: '1' }, { hangup: true }]);
    assert.equal(channel.spoken[0], '您好，欢迎致电示范科技局科技服务热线。');
    assert.match(channel.spoken.find((t) => t.startsWith('高新技术企业认定每年'))!, /研发费用/);
  });

  it('[B4] key 2 records a complaint and reads back the case number', async () => {
    const { channel, outcome } = await call(demo, [{ keys: '2' }, { speak: 3 }]);
    assert.match(outcome.variables.get('case.number')!, /^\d{10}$/);
    assert.ok(channel.spoken.some((t) => t.startsWith('您的受理编号是')));
    assert.equal(outcome.end, 'hangup-node');
  });

  it('[B9] after hours the caller goes straight to the director\'s mailbox', async () => {
    const { channel } = await call(demo, [{ speak: 2 }], 'night');
    assert.match(channel.spoken[0]!, /非工作时间/);
    const box = (await api.store.repos.mailboxes.byName(demo.id, 'director'))!;
    assert.equal((await api.store.repos.mailboxes.messages(demo.id, box.id)).length, 1);
  });

  it('[B9] acme\'s holiday line: 9 dials the on-duty mobiles in order, silence leaves a message', async () => {
    const urgent = await call(acme, [{ keys: '9' }, { answer: '+8613700001111' }]);
    assert.deepEqual(urgent.channel.dialled, [['+8613700001111', '+8613700002222']]);
    assert.match(urgent.channel.spoken[0]!, /艾克美贸易有限公司/);
    await call(acme, [{ silence: true }, { speak: 2 }]);
    const box = (await api.store.repos.mailboxes.byName(acme.id, 'holiday'))!;
    assert.equal((await api.store.repos.mailboxes.messages(acme.id, box.id)).length, 1);
  });
});
