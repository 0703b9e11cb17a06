import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentEndpoints, asAgentId, queueSettingsSchema, screeningPrompt, type AgentRow } from '../../src/routing/index.js';

const agent = (remoteNumber: string | null): AgentRow => ({ id: 'a1', extension: '1001', displayName: 'Li', skills: { sales: 5 }, disabled: false, remoteNumber });

describe('[A4] where an offer reaches an agent', () => {
  it('an agent is at their phones (extension, the caller\'s number shown, no screening) unless logged in remotely', () => {
    const endpoints = new AgentEndpoints();
    assert.equal(endpoints.endpointOf(asAgentId('a1')), 'phone');
    assert.deepEqual(endpoints.dialFor(agent('13900139001'), 'sales'), { targets: ['1001'], callerId: 'caller' });
  });

  it('a remote agent is dialled at their outside number showing the tenant\'s number, screened with the queue\'s key and time', () => {
    const endpoints = new AgentEndpoints();
    endpoints.configure([{ name: 'sales', settings: { remoteAgent: { key: '5', confirmSeconds: 4 } } }, { name: 'support', settings: {} }]);
    endpoints.use(asAgentId('a1'), 'remote');
    assert.deepEqual(endpoints.dialFor(agent('13900139001'), 'sales'), {
      targets: ['13900139001'],
      callerId: 'tenant',
      confirm: { prompt: screeningPrompt('sales', '5'), key: '5', timeoutMs: 4000 },
    });
    const defaults = endpoints.dialFor(agent('13900139001'), 'support').confirm;
    assert.deepEqual([defaults?.key, defaults?.timeoutMs], ['1', 10_000]);
  });

  it('a remote agent whose number was taken away is rung at their phones; logging in at the phones again ends remote work', () => {
    const endpoints = new AgentEndpoints();
    endpoints.use(asAgentId('a1'), 'remote');
    assert.deepEqual(endpoints.dialFor(agent(null), 'sales').targets, ['1001']);
    endpoints.use(asAgentId('a1'), 'phone');
    assert.deepEqual(endpoints.dialFor(agent('13900139001'), 'sales').targets, ['1001']);
  });

  it('the prompt says whose call it is and which key accepts, in Chinese and in English', () => {
    const prompt = screeningPrompt('sales', '1');
    assert.deepEqual(
      prompt.map((s) => (s.kind === 'speech' ? s.language : s.kind)),
      ['zh-CN', 'en'],
    );
    assert.ok(prompt.every((s) => s.kind === 'speech' && s.text.includes('sales') && s.text.includes('1')));
  });

  it('a queue\'s screening settings are checked: one key, 1 to 60 seconds', () => {
    const parse = (remoteAgent: unknown) => queueSettingsSchema.safeParse({ id: 'sales', remoteAgent });
    assert.equal(parse({ key: '1', confirmSeconds: 8 }).success, true);
    for (const bad of [{ key: '12' }, { confirmSeconds: 0 }, { confirmSeconds: 61 }, { key: '1', extra: true }]) {
      const result = parse(bad);
      assert.equal(result.success, false, JSON.stringify(bad));
      assert.equal(result.error?.issues[0]?.path[0], 'remoteAgent');
    }
  });
});
