/**
 * Transfers by CTI to a queue, and to a department whose number is outside (through the tenant's
 * trunk, SIPp as the carrier), over real SIP: callers of the demo hotline press 0 and reach agent
 * 1001 (a SIPp phone) from the `consultation` queue. Transferred back into the `complaints`
 * queue, the caller waits again and agent 1002 takes them; transferred to the department, the
 * carrier answers; handed to a flow ("manual to auto"), the caller hears it until it hangs up.
 * Each time 1001 is released at once and the timeline says where the caller went.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { AcdCentre } from './acd-centre.js';
import { carrierScenario } from './carrier.js';
import { freePort } from './kefu-node.js';
import { tuneQueue } from './node-api.js';
import { answering } from './phone-scenarios.js';
import { runSipp } from './sipp.js';

const password = 'demo-routing-targets-1';
const account = { username: 'kefu-demo', password: 'carrier-secret-9' };

interface Interaction {
  id: string;
  state: string;
  queue: string | null;
  agentId: string | null;
  timeline: { kind: string; agentId: string | null; detail: Record<string, unknown> }[];
}

describe('[D2][B12] transfers to a queue, a department, an outside number, a flow', () => {
  let centre: AcdCentre;
  let carrierPort: number;

  async function interactionOf(caller: string): Promise<Interaction> {
    const items = ((await centre.admin.request('GET', '/interactions?limit=100')).json as { items: { id: string; caller: string }[] }).items;
    const mine = items.find((i) => i.caller === caller);
    assert.ok(mine !== undefined, JSON.stringify(items));
    return (await centre.admin.request('GET', `/interactions/${mine.id}`)).json as never;
  }

  /** The caller reaches 1001 (1002 not ready); resolves with the call's id once 1001 talks to them. */
  async function reach1001(caller: string): Promise<string> {
    for (const extension of ['1001', '1002']) {
      if ((await centre.state(extension)).state === 'wrap_up') await centre.act(extension, { action: 'end_wrap_up' });
    }
    await centre.act('1002', { action: 'not_ready', reason: 'break' });
    await centre.act('1001', { action: 'ready' });
    await centre.until('1001 is busy', async () => (await centre.state('1001')).state === 'busy', 30_000);
    // An agent transfers only a call whose interaction is stored as theirs, just after the answer.
    await centre.until('the answer is stored', async () => (await interactionOf(caller)).state === 'connected');
    const calls = ((await centre.agents['1001']!.api.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] }).items;
    const call = calls.find((c) => c.caller === caller);
    assert.ok(call !== undefined, JSON.stringify(calls));
    return call.sipCallId;
  }

  before(async () => {
    centre = await AcdCentre.start(password);
    await tuneQueue(centre.admin, 'consultation', { ringTimeoutSeconds: 10, wrapUpSeconds: 300, overflowWhenUnstaffed: false });
    await tuneQueue(centre.admin, 'complaints', { ringTimeoutSeconds: 10, wrapUpSeconds: 300, maxWaitSeconds: 600 });
    for (const extension of ['1001', '1002']) await centre.addAgent(extension);
    for (const extension of ['1001', '1002']) await centre.act(extension, { action: 'login' });
    carrierPort = await freePort();
    const trunk = await centre.admin.request('POST', '/trunks', {
      name: 'carrier',
      host: '127.0.0.1',
      port: carrierPort,
      ...account,
      routes: [{ prefix: '0', minLength: 11, maxLength: 12, strip: 1, prepend: '+86' }],
      callerId: 'tenant',
    });
    assert.equal(trunk.status, 201, JSON.stringify(trunk.json));
  });
  after(() => centre.stop());

  it('to a queue: the agent is released at once, the caller waits in the queue again with their priority and the next agent takes them', async () => {
    const phones = [centre.phone('1001', answering, 1), centre.phone('1002', answering, 1)];
    const caller = centre.caller('13800138401', { steps: [{ pauseMs: 1000, keys: '0' }], stayMs: 22_000 });
    const sipCallId = await reach1001('13800138401');
    const refused = await centre.agents['1001']!.api.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer`, { queue: 'complaints', mode: 'attended' });
    assert.equal(refused.status, 400, 'a transfer to a queue is blind');
    const missing = await centre.agents['1001']!.api.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer`, { queue: 'no-such-queue' });
    assert.equal(missing.status, 404);
    const moved = await centre.agents['1001']!.api.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer`, { queue: 'complaints' });
    assert.deepEqual(moved.json, { transferred: true, queue: 'complaints' });
    await centre.until('1001 is in wrap-up', async () => (await centre.state('1001')).state === 'wrap_up');
    await centre.until('the caller waits in complaints', async () => ((await centre.admin.request('GET', '/queues/complaints/stats')).json as { waiting: number }).waiting === 1);
    // The timeline is written just after routing decided.
    await centre.until('the interaction waits in complaints', async () => {
      const now = await interactionOf('13800138401');
      return now.state === 'waiting' && now.queue === 'complaints';
    });
    const waiting = await interactionOf('13800138401');
    const transferred = waiting.timeline.find((entry) => entry.kind === 'transferred');
    assert.deepEqual([transferred?.agentId, transferred?.detail.from, transferred?.detail.target], [centre.agents['1001']!.id, '1001', { kind: 'queue', queueId: 'complaints' }]);
    assert.equal(waiting.timeline.filter((entry) => entry.kind === 'queued').at(-1)?.detail.queue, 'complaints');
    assert.ok(waiting.timeline.findIndex((entry) => entry.kind === 'transferred') < waiting.timeline.findLastIndex((entry) => entry.kind === 'queued'), 'queued again after the transfer');
    await centre.act('1002', { action: 'ready' });
    await centre.until('1002 is busy with the caller', async () => (await centre.state('1002')).state === 'busy');
    await caller;
    for (const run of await Promise.all(phones)) assert.equal(run.code, 0, run.errors);
    await centre.until('the interaction ended', async () => (await interactionOf('13800138401')).state === 'ended');
    const ended = await interactionOf('13800138401');
    assert.equal(ended.agentId, centre.agents['1002']!.id);
    assert.deepEqual((await centre.answeredBy('13800138401')).sort(), ['1001', '1002'], 'both agents answered the one call');
  });

  it('to a department whose number is outside: the carrier answers through the trunk, the agent is released at once', async () => {
    const department = await centre.admin.request('POST', '/departments', { name: '售后 After-sales', phones: ['075512345678'] });
    assert.equal(department.status, 201, JSON.stringify(department.json));
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const scenario = carrierScenario({ uri: 'INVITE sip:\\+8675512345678@', from: 'sip:', pai: 'sip:', username: account.username, password: account.password, accepts: true, rtpPort: peer.port });
    const carrier = runSipp(['-sf', 'carrier.xml', '-p', String(carrierPort), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'], { 'carrier.xml': scenario }, 90_000);
    const phone = centre.phone('1001', answering, 1);
    const caller = centre.caller('13800138402', { steps: [{ pauseMs: 1000, keys: '0' }], stayMs: 16_000 });
    const sipCallId = await reach1001('13800138402');
    const moved = await centre.agents['1001']!.api.request('POST', `/calls/${encodeURIComponent(sipCallId)}/transfer`, { department: department.json.id });
    assert.deepEqual(moved.json, { transferred: true, target: '075512345678', department: department.json.id });
    await centre.until('1001 is in wrap-up', async () => (await centre.state('1001')).state === 'wrap_up');
    await centre.until('the transfer is in the timeline', async () => (await interactionOf('13800138402')).timeline.some((entry) => entry.kind === 'transferred'));
    const during = await interactionOf('13800138402');
    assert.equal(during.state, 'connected', 'the caller still talks, to the department');
    const transferred = during.timeline.find((entry) => entry.kind === 'transferred');
    assert.deepEqual([transferred?.detail.to, transferred?.detail.target], ['075512345678', { kind: 'department', departmentId: department.json.id }]);
    await caller;
    assert.equal((await phone).code, 0);
    const far = await carrier;
    peer.close();
    assert.equal(far.code, 0, `the carrier's checks failed:\n${far.errors}\n${centre.node.stdout.slice(-3000)}`);
    await centre.until('the interaction ended', async () => (await interactionOf('13800138402')).state === 'ended');
    assert.equal((await centre.state('1002')).state, 'not_ready', 'nobody else was given the caller');
  });

  it('[B12] manual to auto: the agent hands the caller to a flow and is released; the flow speaks to the caller and hangs up', async () => {
    const draft = { start: 'thanks', nodes: { thanks: { type: 'say', text: '感谢您的来电，再见。', exits: { next: 'end' } }, end: { type: 'hangup' } } };
    const created = await centre.admin.request('POST', '/flows', { name: 'after-agent', draft });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal((await centre.admin.request('POST', `/flows/${created.json.id}/publish`, { version: created.json.version })).status, 200);
    const phone = centre.phone('1001', answering, 1);
    // The caller stays until Kefu hangs up: the flow's hangup node, after the agent left.
    const caller = centre.caller('13800138403', { steps: [{ pauseMs: 1000, keys: '0' }], stayMs: 'kefu' });
    const sipCallId = await reach1001('13800138403');
    const path = `/calls/${encodeURIComponent(sipCallId)}/flow`;
    assert.equal((await centre.agents['1001']!.api.request('POST', path, { flow: 'no-such-flow' })).status, 404);
    assert.equal((await centre.agents['1001']!.api.request('POST', path, { flow: 'after-agent', node: 'thanks' })).status, 400);
    const handed = await centre.agents['1001']!.api.request('POST', path, { flow: 'after-agent' });
    assert.deepEqual(handed.json, { handed: true, flow: 'after-agent' });
    await centre.until('1001 is in wrap-up', async () => (await centre.state('1001')).state === 'wrap_up');
    assert.equal((await phone).code, 0, 'the agent\'s phone was released');
    await caller;
    await centre.until('the interaction ended', async () => (await interactionOf('13800138403')).state === 'ended');
    const ended = await interactionOf('13800138403');
    const transferred = ended.timeline.find((entry) => entry.kind === 'transferred');
    assert.deepEqual([transferred?.agentId, transferred?.detail.target], [centre.agents['1001']!.id, { kind: 'flow', flowId: 'after-agent' }]);
    const cdr = await centre.legsOf('13800138403');
    const callerLeg = cdr.find((leg) => leg.leg === 'caller');
    assert.equal(callerLeg?.endedBy, 'kefu', 'the flow hung up, not the caller');
  });
});
