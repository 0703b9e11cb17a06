import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { constantTexts, flowDocument, seedDemoFlows, warmSpeech } from '../../src/flows/index.js';
import type { TenantRow } from '../../src/store/index.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

describe('[B1] speech warmed before the first call', () => {
  let api: TestApi;
  let demo: TenantRow;

  before(async () => {
    api = await startTestApi();
    demo = (await api.store.repos.tenants.bySlug('demo'))!;
    await seedDemoFlows(api.store, { demo, acme: (await api.store.repos.tenants.bySlug('acme'))! }, '123456');
  });
  after(() => api.close());

  it('takes the texts that depend only on the tenant, rendered in its name', () => {
    const document = flowDocument.parse({
      start: 'a',
      nodes: {
        a: { type: 'say', text: '欢迎致电{{tenant.name}}', exits: { next: 'b' } },
        b: { type: 'say', text: '您的号码是{{caller}}', exits: { next: 'c' } },
        c: { type: 'gather', prompt: { text: 'Enter your account', language: 'en' }, variable: 'account', exits: { done: 'd', fail: 'd' } },
        d: { type: 'hangup' },
      },
    });
    assert.deepEqual(constantTexts(document, demo), [
      { text: '欢迎致电示范科技局', language: 'zh-CN' },
      { text: 'Enter your account', language: 'en' },
    ]);
  });

  it("speaks every live flow's fixed texts", async () => {
    const spoken: string[] = [];
    const count = await warmSpeech(api.store, async (text) => void spoken.push(text));
    assert.equal(count, spoken.length);
    assert.ok(spoken.includes('您好，欢迎致电示范科技局科技服务热线。'));
    assert.ok(spoken.some((t) => t.startsWith('您好，这里是艾克美贸易有限公司。')));
    assert.ok(!spoken.some((t) => t.includes('{{')), 'a text with call variables was spoken');
  });
});
