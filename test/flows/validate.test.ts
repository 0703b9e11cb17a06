import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateFlow, type FlowContext, type FlowProblem } from '../../src/flows/index.js';

const context: FlowContext = { prompts: new Set(['welcome', 'beep']), flows: new Set(['main', 'hours']), mailboxes: new Set(['director']) };

/** A small hotline: greeting, a menu, a complaint, a case lookup and the director's mailbox. */
function hotline(): Record<string, unknown> {
  return {
    start: 'hours',
    nodes: {
      hours: { type: 'schedule', open: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }], exits: { open: 'greeting', closed: 'mailbox' } },
      greeting: { type: 'play', prompts: ['welcome'], exits: { next: 'menu' } },
      menu: {
        type: 'menu',
        prompt: { text: '欢迎致电{{tenant.name}}，投诉请按2，查询请按3' },
        options: { '2': 'complaint', '3': 'status', '4': 'mailbox' },
        exits: { fail: 'bye' },
      },
      complaint: { type: 'record', prompt: { prompts: ['beep'] }, exits: { next: 'number', fail: 'bye' } },
      number: { type: 'readback', value: '{{case.number}}', as: 'digits', exits: { next: 'bye' } },
      status: { type: 'case_status', prompt: { text: '请输入受理编号' }, exits: { next: 'bye', notFound: 'bye' } },
      mailbox: { type: 'voicemail', mailbox: 'director', exits: { next: 'bye' } },
      bye: { type: 'hangup' },
    },
  };
}

function problems(input: unknown): FlowProblem[] {
  const result = validateFlow(input, context);
  assert.equal(result.ok, false, 'the flow should have been refused');
  return result.ok ? [] : result.problems;
}

describe('[B11] flow documents', () => {
  it('accepts a complete hotline and fills in the defaults', () => {
    const result = validateFlow(hotline(), context);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.equal(result.document.language, 'zh-CN');
    const menu = result.document.nodes.menu;
    assert.equal(menu?.type === 'menu' && menu.retries, 2);
  });

  it('names the node of a schema error', () => {
    const flow = hotline();
    (flow.nodes as Record<string, unknown>).greeting = { type: 'play', prompts: [], exits: { next: 'menu' } };
    const found = problems(flow);
    assert.deepEqual(found.map((p) => [p.node, p.path]), [['greeting', 'nodes.greeting.prompts']]);
  });

  it('[G1] a recording opens a case of the one vocabulary of case types the desk uses', () => {
    const flow = hotline();
    const nodes = flow.nodes as Record<string, Record<string, unknown>>;
    nodes.complaint = { ...nodes.complaint, caseType: 'fault_report' };
    const result = validateFlow(flow, context);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    nodes.complaint = { ...nodes.complaint, caseType: 'gossip' };
    assert.deepEqual(problems(flow).map((p) => [p.node, p.path]), [['complaint', 'nodes.complaint.caseType']]);
  });

  it('refuses an unknown node type and a missing required exit, naming the node', () => {
    const flow = hotline();
    const nodes = flow.nodes as Record<string, unknown>;
    nodes.greeting = { type: 'jump', exits: { next: 'menu' } };
    nodes.status = { type: 'case_status', prompt: { text: '请输入受理编号' }, exits: { next: 'bye' } };
    const found = problems(flow);
    assert.deepEqual(new Set(found.map((p) => p.node)), new Set(['greeting', 'status']));
    assert.ok(found.some((p) => p.path === 'nodes.status.exits.notFound'));
  });

  it('refuses an exit to a node that does not exist', () => {
    const flow = hotline();
    (flow.nodes as Record<string, { options?: Record<string, string> }>).menu!.options!['9'] = 'urgent';
    assert.deepEqual(problems(flow), [{ node: 'menu', path: 'nodes.menu.options.9', message: 'exit "key 9" leads to "urgent", which does not exist' }]);
  });

  it('refuses a node nobody can reach', () => {
    const flow = hotline();
    (flow.nodes as Record<string, unknown>).orphan = { type: 'hangup' };
    assert.deepEqual(problems(flow).map((p) => p.node), ['orphan']);
  });

  it('refuses a start node that does not exist', () => {
    assert.deepEqual(problems({ ...hotline(), start: 'nowhere' })[0], { path: 'start', message: 'the start node "nowhere" does not exist' });
  });

  it('refuses a variable that no node sets, and accepts one set by set, gather or http', () => {
    const flow = hotline();
    const nodes = flow.nodes as Record<string, unknown>;
    nodes.number = { type: 'say', text: '您的编号是{{case.numbr}}', exits: { next: 'bye' } };
    assert.deepEqual(problems(flow).map((p) => [p.node, p.message]), [['number', 'variable "case.numbr" is never set']]);

    nodes.number = { type: 'say', text: '{{order}} {{who}} {{account}}', exits: { next: 'ask' } };
    nodes.ask = { type: 'gather', prompt: { text: '请输入账号' }, variable: 'account', exits: { done: 'lookup', fail: 'bye' } };
    nodes.lookup = { type: 'http', url: 'http://127.0.0.1/orders/{{account}}', results: { order: 'data.status' }, exits: { ok: 'name', fail: 'bye' } };
    nodes.name = { type: 'set', values: { who: '{{customer.name}}' }, exits: { next: 'bye' } };
    const result = validateFlow(flow, context);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  });

  it('refuses prompts, mailboxes and subflows that do not exist', () => {
    const flow = hotline();
    const nodes = flow.nodes as Record<string, unknown>;
    nodes.greeting = { type: 'play', prompts: ['welcome', 'welcom2'], exits: { next: 'menu' } };
    nodes.mailbox = { type: 'voicemail', mailbox: 'mayor', exits: { next: 'sub' } };
    nodes.sub = { type: 'subflow', flow: 'nowhere', exits: { next: 'bye' } };
    assert.deepEqual(problems(flow).map((p) => p.path), ['nodes.greeting.prompts.1', 'nodes.mailbox.mailbox', 'nodes.sub.flow']);
  });

  it('refuses bad patterns, time zones, opening hours and digit counts', () => {
    const flow = hotline();
    const nodes = flow.nodes as Record<string, unknown>;
    nodes.hours = { type: 'schedule', timeZone: 'Mars/Olympus', open: [{ days: [1], from: '09:00', to: '17:00' }], exits: { open: 'greeting', closed: 'ask' } };
    nodes.ask = { type: 'gather', prompt: { prompts: ['beep'] }, variable: 'pin', minDigits: 6, maxDigits: 4, pattern: '([0-9]', exits: { done: 'mailbox', fail: 'bye' } };
    assert.deepEqual(problems(flow).map((p) => p.path), ['nodes.hours.timeZone', 'nodes.ask.minDigits', 'nodes.ask.pattern']);

    nodes.hours = { type: 'schedule', open: [{ days: [1], from: '18:00', to: '09:00' }], exits: { open: 'greeting', closed: 'mailbox' } };
    assert.deepEqual(problems(flow).map((p) => p.path), ['nodes.hours.open.0.to']);
  });

  it('refuses a document that is not a flow at all', () => {
    assert.deepEqual(problems('hello').map((p) => p.path), ['']);
    assert.ok(problems({ start: 'a', nodes: {} }).some((p) => p.path === 'nodes'));
  });
});
