/**
 * Transfers reported to routing, over real SIP: callers of the demo hotline press 0 and reach
 * agent 1001 from the `consultation` queue (SIPp phones registered with digest); 1001 transfers
 * them on. 1001 is released at once — in wrap-up while the caller still talks — and the
 * interaction's timeline says who transferred to whom; agent 1002, who receives the caller, is
 * busy with the same interaction until the caller hangs up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AcdCentre } from './acd-centre.js';
import { tuneQueue } from './node-api.js';
import { answering, transferringBlind } from './phone-scenarios.js';

const password = 'demo-routing-transfers-1';

interface TimelineEntry {
  kind: string;
  agentId: string | null;
  detail: Record<string, unknown>;
}

describe('[D2] transfers reported to routing', () => {
  let centre: AcdCentre;

  /** The interaction of the last call from `caller`, with its timeline. */
  async function interactionOf(caller: string): Promise<{ id: string; state: string; agentId: string | null; timeline: TimelineEntry[] }> {
    const items = ((await centre.admin.request('GET', '/interactions?queue=consultation')).json as { items: { id: string; caller: string }[] }).items;
    const mine = items.find((i) => i.caller === caller);
    assert.ok(mine !== undefined, JSON.stringify(items));
    return (await centre.admin.request('GET', `/interactions/${mine.id}`)).json as never;
  }

  /** 1001 ready for the queue's callers; 1002 logged in but not ready, so the queue offers them nothing. */
  async function staff(): Promise<void> {
    for (const extension of ['1001', '1002']) {
      const { state } = await centre.state(extension);
      if (state === 'wrap_up') await centre.act(extension, { action: 'end_wrap_up' });
      if (state === 'logged_out') await centre.act(extension, { action: 'login' });
    }
    await centre.act('1002', { action: 'not_ready', reason: 'break' });
    await centre.act('1001', { action: 'ready' });
    await centre.until('1001 is ready and 1002 not', async () => (await centre.state('1001')).state === 'ready' && (await centre.state('1002')).state === 'not_ready');
  }

  /** While the caller still talks to 1002: 1001 is wrapping up, 1002 busy, and the timeline says who transferred. */
  async function releasedAtOnce(caller: string, mode: string): Promise<string> {
    await centre.until('1001 is in wrap-up and 1002 busy', async () => (await centre.state('1001')).state === 'wrap_up' && (await centre.state('1002')).state === 'busy', 30_000);
    // The timeline is written just after routing decided.
    await centre.until('1002 has the interaction', async () => (await interactionOf(caller)).agentId === centre.agents['1002']!.id);
    const during = await interactionOf(caller);
    assert.equal(during.state, 'connected', 'the caller is still talking');
    assert.equal(during.agentId, centre.agents['1002']!.id, 'the interaction is now 1002\'s');
    // 1002's desktop finds the interaction by its own state (the screen pop after a reload).
    const receiving = (await centre.agents['1002']!.api.request('GET', '/agents/me/state')).json as { work: string[] };
    assert.deepEqual(receiving.work, [during.id], 'the receiving agent\'s work is the interaction');
    const transferred = during.timeline.filter((entry) => entry.kind === 'transferred');
    assert.equal(transferred.length, 1, JSON.stringify(during.timeline));
    assert.deepEqual(
      { agentId: transferred[0]!.agentId, from: transferred[0]!.detail.from, to: transferred[0]!.detail.to, mode: transferred[0]!.detail.mode },
      { agentId: centre.agents['1001']!.id, from: '1001', to: '1002', mode },
    );
    // The agent who transferred writes their wrap-up while the caller talks on.
    const wrapUp = await centre.agents['1001']!.api.request('POST', `/interactions/${during.id}/wrap-up`, { disposition: 'transferred', note: 'to second line' });
    assert.equal(wrapUp.status, 200, JSON.stringify(wrapUp.json));
    return during.id;
  }

  /** After the caller hung up: 1002 wraps up the same interaction, which ended. */
  async function endedWith1002(caller: string, id: string): Promise<void> {
    await centre.until('1002 is in wrap-up', async () => (await centre.state('1002')).state === 'wrap_up');
    await centre.until('the interaction ended', async () => (await interactionOf(caller)).state === 'ended');
    const ended = await interactionOf(caller);
    assert.equal(ended.id, id);
    assert.equal(ended.state, 'ended');
    const kinds = ended.timeline.map((entry) => entry.kind);
    assert.ok(kinds.indexOf('transferred') < kinds.lastIndexOf('answered') && kinds.lastIndexOf('answered') < kinds.indexOf('ended'), kinds.join(' '));
    assert.equal(ended.timeline.find((entry) => entry.kind === 'ended')?.agentId, centre.agents['1002']!.id);
  }

  before(async () => {
    centre = await AcdCentre.start(password);
    // A long wrap-up shows when it started: at the transfer, not at the caller's hang-up.
    await tuneQueue(centre.admin, 'consultation', { ringTimeoutSeconds: 10, wrapUpSeconds: 300, overflowWhenUnstaffed: false });
    for (const extension of ['1001', '1002']) await centre.addAgent(extension);
  });
  after(() => centre.stop());

  it('Kefu\'s blind transfer (the agent\'s CTI request) releases the agent at once; the receiving agent is busy with the interaction', async () => {
    await staff();
    const phones = [centre.phone('1001', answering, 1), centre.phone('1002', answering, 1)];
    const caller = centre.caller('13800138301', { steps: [{ pauseMs: 1000, keys: '0' }], stayMs: 14_000 });
    await centre.until('1001 is busy', async () => (await centre.state('1001')).state === 'busy', 30_000);
    // An agent transfers only a call whose interaction is stored as theirs, just after the answer.
    await centre.until('the answer is stored', async () => (await interactionOf('13800138301')).state === 'connected');
    const agent = centre.agents['1001']!.api;
    const calls = ((await agent.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] }).items;
    const call = calls.find((c) => c.caller === '13800138301');
    assert.ok(call !== undefined, JSON.stringify(calls));
    const transfer = await agent.request('POST', `/calls/${encodeURIComponent(call.sipCallId)}/transfer`, { to: '1002' });
    assert.deepEqual(transfer.json, { transferred: true, target: '1002' });
    const id = await releasedAtOnce('13800138301', 'blind');
    await caller;
    for (const run of await Promise.all(phones)) assert.equal(run.code, 0, run.errors);
    await endedWith1002('13800138301', id);
  });

  it('the agent\'s phone transferring with a REFER releases the agent at once, as Kefu\'s own transfer does', async () => {
    await staff();
    const phones = [centre.phone('1001', transferringBlind('1002', 2000), 1), centre.phone('1002', answering, 1)];
    const caller = centre.caller('13800138302', { steps: [{ pauseMs: 1000, keys: '0' }], stayMs: 14_000 });
    const id = await releasedAtOnce('13800138302', 'blind');
    await caller;
    for (const run of await Promise.all(phones)) assert.equal(run.code, 0, run.errors);
    await endedWith1002('13800138302', id);
  });
});
