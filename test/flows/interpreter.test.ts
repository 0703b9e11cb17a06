import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { digitsText } from '../../src/calls/index.js';
import { hashPassword } from '../../src/directory/index.js';
import { FlowRun, flowDocument, storeServices, type FlowDocumentInput, type FlowServices } from '../../src/flows/index.js';
import { MediaFiles, type TenantRow } from '../../src/store/index.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { ScriptedChannel, type Step } from '../helpers/scripted-channel.js';
import { testRouting } from '../helpers/routing.js';

describe('flow interpreter', () => {
  let api: TestApi;
  let demo: TenantRow;
  let media: MediaFiles;
  const now = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai

  before(async () => {
    api = await startTestApi();
    demo = (await api.store.repos.tenants.bySlug('demo'))!;
    media = new MediaFiles(api.mediaDir);
    await api.store.repos.mailboxes.create(demo.id, { name: 'director', ownerKind: 'tenant', pinHash: await hashPassword('2468') });
  });
  after(() => api.close());

  async function services(overrides: Partial<FlowServices> = {}): Promise<FlowServices> {
    const base = await storeServices({
      store: api.store,
      media,
      tenant: demo,
      call: { sipCallId: `call-${Math.random()}`, caller: '13800138000', customerId: undefined },
      now: () => now,
      queues: testRouting(api.store),
    });
    return { ...base, ...overrides };
  }

  async function run(flow: FlowDocumentInput, script: Step[], overrides: Partial<FlowServices> = {}) {
    const channel = new ScriptedChannel(script);
    const outcome = await new FlowRun({
      document: flowDocument.parse(flow),
      channel,
      services: await services(overrides),
      variables: { caller: '13800138000', 'tenant.name': '科技局' },
    }).run();
    return { channel, outcome };
  }

  const hotline: FlowDocumentInput = {
    start: 'menu',
    nodes: {
      menu: {
        type: 'menu',
        prompt: { text: '欢迎致电{{tenant.name}}' },
        options: { '1': 'policy', '2': 'complaint', '3': 'status', '4': 'mailbox' },
        exits: { fail: 'bye' },
      },
      policy: { type: 'say', text: '政策内容', exits: { next: 'bye' } },
      complaint: { type: 'record', prompt: { text: '请在提示音后讲述' }, exits: { next: 'bye', fail: 'bye' } },
      status: { type: 'case_status', prompt: { text: '请输入受理编号' }, exits: { next: 'bye', notFound: 'bye' } },
      mailbox: { type: 'voicemail', mailbox: 'director', exits: { next: 'bye' } },
      bye: { type: 'hangup' },
    },
  };

  it('[B2] a menu key leads to its option, and the trace keeps what was said and keyed', async () => {
    const { channel, outcome } = await run(hotline, [{ keys: '1' }]);
    assert.equal(outcome.end, 'hangup-node');
    assert.deepEqual(channel.spoken, ['欢迎致电科技局', '政策内容']);
    const events = outcome.trace.entries.map((e) => `${e.node}:${e.event}`);
    assert.deepEqual(events, ['menu:enter', 'menu:said', 'menu:keys', 'menu:exit', 'policy:enter', 'policy:said', 'policy:exit', 'bye:enter']);
  });

  it('a wrong key or silence asks again, then takes the fail exit', async () => {
    const { channel, outcome } = await run(hotline, [{ keys: '9' }, { silence: true }, { silence: true }]);
    assert.equal(outcome.end, 'hangup-node');
    assert.equal(channel.spoken.filter((t) => t === '欢迎致电科技局').length, 3);
    assert.ok(channel.spoken.includes('输入有误'));
  });

  it('[B4] a voice complaint opens a case with its recording and reads its number back digit by digit', async () => {
    const { channel, outcome } = await run(hotline, [{ keys: '2' }, { speak: 3 }]);
    const number = outcome.variables.get('case.number')!;
    assert.match(number, /^2611230001$/);
    const opened = await api.store.repos.cases.byNumber(demo.id, number);
    assert.equal(opened?.status, 'draft');
    assert.equal(opened?.caller, '13800138000');
    assert.equal(opened?.recordingMs, 3000);
    assert.ok(existsSync(media.path(opened!.recordingFile!)));
    assert.equal(channel.spoken.at(-1), '您的受理编号是：二六幺幺二三零零零幺');
    assert.ok(channel.played.some((s) => s.kind === 'tone' && s.tone === 'beep'));

    const second = await run(hotline, [{ keys: '2' }, { speak: 2 }]);
    assert.equal(second.outcome.variables.get('case.number'), '2611230002');
  });

  it('[B4] a caller who hangs up before speaking opens no case', async () => {
    const { outcome } = await run(hotline, [{ keys: '2' }, { hangup: true }]);
    assert.equal(outcome.end, 'caller-hung-up');
    assert.equal(outcome.variables.get('case.number'), undefined);
  });

  it('[B5] case status by number, and an unknown number', async () => {
    const opened = (await run(hotline, [{ keys: '2' }, { speak: 2 }])).outcome.variables.get('case.number')!;
    const found = await run(hotline, [{ keys: '3' }, { keys: `${opened}#` }]);
    assert.equal(found.channel.spoken.at(-1), `受理编号${digitsText(opened, 'zh-CN')}的办理状态是：已受理`);
    const missing = await run(hotline, [{ keys: '3' }, { keys: '999#' }]);
    assert.equal(missing.channel.spoken.at(-1), '没有查到这个受理编号');
  });

  it('[B6] a message left in the mailbox is heard with the PIN, then deleted', async () => {
    await run(hotline, [{ keys: '4' }, { speak: 2 }]);
    const retrieve: FlowDocumentInput = {
      start: 'box',
      nodes: { box: { type: 'voicemail', mailbox: 'director', action: 'retrieve', exits: { next: 'bye' } }, bye: { type: 'hangup' } },
    };
    const listen = await run(retrieve, [{ keys: '2468#' }, { keys: '2' }]);
    assert.ok(listen.channel.spoken.includes('您有 1 条留言'));
    assert.equal(listen.channel.played.filter((s) => s.kind === 'file').length, 1);
    const box = (await api.store.repos.mailboxes.byName(demo.id, 'director'))!;
    const [message] = await api.store.repos.mailboxes.messages(demo.id, box.id);
    assert.notEqual(message?.heardAt, null);
    assert.ok(listen.outcome.trace.entries.some((e) => e.event === 'keys' && e.digits === '****'), 'the PIN is masked in the trace');

    const remove = await run(retrieve, [{ keys: '2468#' }, { keys: '3' }]);
    assert.ok(remove.channel.spoken.includes('留言已删除'));
    assert.deepEqual(await api.store.repos.mailboxes.messages(demo.id, box.id), []);
    assert.equal(existsSync(media.path(message!.file)), false);
  });

  it('[B6] a wrong PIN three times hangs up', async () => {
    const retrieve: FlowDocumentInput = {
      start: 'box',
      nodes: { box: { type: 'voicemail', mailbox: 'director', action: 'retrieve', exits: { next: 'bye' } }, bye: { type: 'hangup' } },
    };
    const { channel, outcome } = await run(retrieve, [{ keys: '1111#' }, { keys: '2222#' }, { keys: '3333#' }, { keys: '2468#' }]);
    assert.equal(outcome.end, 'caller-hung-up');
    assert.equal(channel.spoken.filter((t) => t === '密码不正确').length, 3);
    assert.equal(channel.remaining, 1);
  });

  it('[B7] survey answers are stored per call', async () => {
    const flow: FlowDocumentInput = {
      start: 'ask',
      nodes: {
        ask: {
          type: 'survey',
          name: 'satisfaction',
          questions: [
            { id: 'overall', prompt: { text: '满意请按1，不满意请按2' }, keys: ['1', '2'] },
            { id: 'again', prompt: { text: '还会再来电吗' }, keys: ['1', '2'] },
          ],
          exits: { next: 'bye' },
        },
        bye: { type: 'hangup' },
      },
    };
    await run(flow, [{ keys: '7' }, { keys: '1' }, { keys: '2' }]);
    const answers = await api.store.repos.surveys.answers(demo.id, 'satisfaction');
    assert.deepEqual(answers.map((a) => [a.question, a.answer]), [['overall', '1'], ['again', '2']]);
  });

  it('gather checks the pattern, set and condition branch on it, and readback speaks amounts', async () => {
    const flow: FlowDocumentInput = {
      start: 'ask',
      nodes: {
        ask: { type: 'gather', prompt: { text: '请输入金额' }, variable: 'amount', pattern: '[1-9][0-9]*', retries: 1, exits: { done: 'big', fail: 'bye' } },
        big: { type: 'condition', value: '{{amount}}', test: 'greaterThan', against: '100', exits: { true: 'mark', false: 'bye' } },
        mark: { type: 'set', values: { note: '大额{{amount}}' }, exits: { next: 'read' } },
        read: { type: 'readback', value: '{{amount}}', as: 'amount', exits: { next: 'bye' } },
        bye: { type: 'hangup' },
      },
    };
    const { channel, outcome } = await run(flow, [{ keys: '0123#' }, { keys: '250#' }]);
    assert.equal(outcome.variables.get('note'), '大额250');
    assert.equal(channel.spoken.filter((t) => t === '请输入金额').length, 2);
    assert.match(channel.spoken.at(-1)!, /二百五十/);
  });

  it('[B9] the schedule chooses the exit; a holiday without its own exit is closed', async () => {
    const flow: FlowDocumentInput = {
      start: 'hours',
      nodes: {
        hours: { type: 'schedule', open: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }], exits: { open: 'day', closed: 'night' } },
        day: { type: 'say', text: 'day', exits: { next: 'bye' } },
        night: { type: 'say', text: 'night', exits: { next: 'bye' } },
        bye: { type: 'hangup' },
      },
    };
    assert.deepEqual((await run(flow, [], { schedule: async () => 'open' })).channel.spoken, ['day']);
    assert.deepEqual((await run(flow, [], { schedule: async () => 'holiday' })).channel.spoken, ['night']);
  });

  it('[B9] dial tries the on-duty list and takes fail when nobody answers; language switches the words', async () => {
    const flow: FlowDocumentInput = {
      start: 'en',
      nodes: {
        en: { type: 'language', language: 'en', exits: { next: 'duty' } },
        duty: { type: 'dial', targets: ['13900000001', '{{caller}}'], exits: { fail: 'sorry' } },
        sorry: { type: 'readback', value: '42', as: 'number', exits: { next: 'bye' } },
        bye: { type: 'hangup' },
      },
    };
    const failed = await run(flow, [{ busy: true }]);
    assert.deepEqual(failed.channel.dialled, [['13900000001', '13800138000']]);
    assert.deepEqual(failed.channel.spoken, ['forty-two']);
    const answered = await run(flow, [{ answer: '13900000001' }]);
    assert.equal(answered.outcome.end, 'dead-end');
    assert.equal(answered.outcome.variables.get('dial.answered'), '13900000001');
  });

  it('a subflow runs on the live version of another flow and comes back', async () => {
    const news = flowDocument.parse({ start: 'n', nodes: { n: { type: 'say', text: 'inner', exits: { next: 'end' } }, end: { type: 'return' } } });
    const inner = await api.store.repos.flows.create(demo.id, { name: 'news', draft: news });
    await api.store.transaction((repos) => repos.flows.publish(demo.id, inner.id, inner.version, news, 'test'));
    const flow: FlowDocumentInput = {
      start: 'sub',
      nodes: { sub: { type: 'subflow', flow: 'news', exits: { next: 'after' } }, after: { type: 'say', text: 'outer', exits: { next: 'bye' } }, bye: { type: 'hangup' } },
    };
    assert.deepEqual((await run(flow, [])).channel.spoken, ['inner', 'outer']);
  });

  it('a flow that loops on its own stops after a bounded number of steps', async () => {
    const flow: FlowDocumentInput = {
      start: 'a',
      nodes: { a: { type: 'set', values: { x: '1' }, exits: { next: 'b' } }, b: { type: 'set', values: { y: '2' }, exits: { next: 'a' } } },
    };
    assert.equal((await run(flow, [])).outcome.end, 'too-many-steps');
  });
});
