/**
 * A remote agent (A4) over real SIP: agent 1001 logs in "remotely", so a caller of the demo
 * hotline who presses 0 is offered to the outside number of 1001's record. Kefu dials it
 * through the tenant's trunk, where SIPp plays the carrier and the agent's mobile behind it,
 * and screens the answer: the caller is connected only once the agent presses 1 (RFC 4733).
 * A mobile that answers and says nothing, as its voicemail would, never accepts: the offer
 * counts as not answered, the agent goes not ready "missed", and the caller waits on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AcdCentre } from './acd-centre.js';
import { mobileScenario, type MobileOptions } from './carrier.js';
import { RtpPeer, dominantTone } from '../helpers/rtp-peer.js';
import { ivrScenario } from './ivr-scenario.js';
import { freeMediaPort, freePort } from './kefu-node.js';
import { nodeApi, tuneQueue, type NodeApi } from './node-api.js';
import { runSipp, type SippRun } from './sipp.js';

const password = 'demo-remote-1';
const mobile = '13900139001';

/** The port Kefu sends a test peer's audio from (where the peer answers it). */
const kefuPort = (peer: RtpPeer) => Number([...peer.sources][0]!.split(':').at(-1));

interface Interaction {
  id: string;
  caller: string;
  agentId: string | null;
  endCause: string | null;
  timeline: { kind: string; agentId: string | null; detail: Record<string, unknown> }[];
}

describe('[A4] a remote agent on an outside number, reached through the trunk and screened with "press 1"', () => {
  let centre: AcdCentre;
  let carrierPort: number;
  let agent: NodeApi;
  let agentId: string;

  /** The agent's mobile behind the carrier, for `calls` calls (each answered the same way). */
  async function mobilePhone(options: MobileOptions, calls = 1): Promise<SippRun> {
    const args = ['-sf', 'mobile.xml', '-p', String(carrierPort), '-mp', String(await freeMediaPort()), '-m', String(calls), '-trace_err', '-nostdin', '-timeout', '60'];
    return runSipp(args, { 'mobile.xml': mobileScenario(options) }, 70_000);
  }

  const state = async () => (await agent.request('GET', '/agents/me/state')).json as { state: string; reason: string | null; endpoint: string };

  /** The caller's interaction in the consultation queue, with its timeline. */
  async function interactionOf(caller: string): Promise<Interaction> {
    const items = ((await centre.admin.request('GET', '/interactions?queue=consultation')).json as { items: Interaction[] }).items;
    const row = items.find((i) => i.caller === caller);
    assert.ok(row !== undefined, `no interaction from ${caller}`);
    return (await centre.admin.request('GET', `/interactions/${row.id}`)).json as unknown as Interaction;
  }

  before(async () => {
    centre = await AcdCentre.start(password);
    // Callers wait rather than overflow; a short screening keeps the test quick.
    await tuneQueue(centre.admin, 'consultation', { ringTimeoutSeconds: 10, wrapUpSeconds: 0, overflowWhenUnstaffed: false, announceEverySeconds: 300, remoteAgent: { key: '1', confirmSeconds: 5 } });
    carrierPort = await freePort();
    const trunk = await centre.admin.request('POST', '/trunks', {
      name: 'carrier',
      host: '127.0.0.1',
      port: carrierPort,
      username: null,
      password: null,
      routes: [{ prefix: '1', minLength: 11, maxLength: 11, strip: 0, prepend: '' }],
      callerId: 'tenant',
    });
    assert.equal(trunk.status, 201, JSON.stringify(trunk.json));
    agent = await nodeApi(centre.node.url, 'demo', '1001', password);
    agentId = ((await agent.request('GET', '/agents/me/state')).json as { agent: string }).agent;
  });
  after(() => centre.stop());

  it('[A4] the agent\'s record takes an outside number (a bad one is refused naming the field); a remote login needs one', async () => {
    const record = (await centre.admin.request('GET', `/agents/${agentId}`)).json as { version: number; remoteNumber: string | null };
    assert.equal(record.remoteNumber, null);
    const bad = await centre.admin.request('PATCH', `/agents/${agentId}`, { version: record.version, remoteNumber: '139-abc' });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      (bad.json as { error: { details: { path: string }[] } }).error.details.map((d) => d.path),
      ['remoteNumber'],
    );
    const early = await agent.request('POST', '/agents/me/state', { action: 'login', endpoint: 'remote' });
    assert.equal(early.status, 400, JSON.stringify(early.json));
    assert.deepEqual((early.json as { error: { details: { path: string }[] } }).error.details.map((d) => d.path), ['endpoint']);
    const set = await centre.admin.request('PATCH', `/agents/${agentId}`, { version: record.version, remoteNumber: mobile });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.equal((set.json as { remoteNumber: string }).remoteNumber, mobile);
    const login = await agent.request('POST', '/agents/me/state', { action: 'login', endpoint: 'remote' });
    assert.equal(login.status, 200, JSON.stringify(login.json));
    assert.deepEqual([(login.json as { state: string }).state, (login.json as { endpoint: string }).endpoint], ['ready', 'remote']);
  });

  it('[A4] the agent answers on the mobile and presses 1: the caller is connected to them and hears them, answered by that agent', async () => {
    // The agent's voice is a 1004 Hz tone from the mobile's media, sent once Kefu's audio reaches it.
    const far = await RtpPeer.open({ codec: 'PCMU' });
    const near = await RtpPeer.open({ codec: 'PCMU' });
    const phone = mobilePhone({ from: 'sip:12345@', press: { afterMs: 300, keys: '1' }, rtpPort: far.port });
    const args = [`127.0.0.1:${centre.node.sipPort}`, '-sf', 'caller.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'];
    // The caller stays 20 s: on a loaded machine queueing, the trunk call and the screening took
    // most of 9 s, and the caller left as the agent was connected.
    const scenario = ivrScenario({ caller: '13800138301', steps: [{ pauseMs: 1000, keys: '0' }], end: { byeAfterMs: 20_000 } });
    const call = runSipp(args, { 'caller.xml': scenario, 'fields.csv': `SEQUENTIAL\n12345;${near.port}\n` }, 70_000);
    await centre.until('the mobile answered', async () => far.sources.size > 0, 30_000);
    far.play(kefuPort(far), 1004);
    await centre.until('the caller hears Kefu', async () => near.sources.size > 0, 30_000);
    near.play(kefuPort(near), [], 0);
    // The caller hears the agent's voice once connected (before, the queue's music): 160 ms of it.
    const heard = await near.untilTone(1004, 20_000).then(
      () => true,
      () => false,
    );
    const called = await call;
    for (const peer of [far, near]) peer.close();
    assert.equal(called.code, 0, `${called.errors}\n${centre.node.stdout.slice(-3000)}`);
    assert.ok(heard, `the caller did not hear the agent: ${JSON.stringify(dominantTone(near.lastHeard(2000)))}\n${centre.node.stdout.slice(-3000)}`);
    const run = await phone;
    assert.equal(run.code, 0, `the mobile's call failed:\n${run.errors}\n${centre.node.stdout.slice(-3000)}`);
    const interaction = await interactionOf('13800138301');
    assert.equal(interaction.agentId, agentId, JSON.stringify(interaction));
    assert.ok(interaction.timeline.some((e) => e.kind === 'answered' && e.agentId === agentId), JSON.stringify(interaction.timeline));
    const legs = (await centre.legsOf('13800138301')).filter((l) => l.leg === 'callee');
    assert.deepEqual(
      legs.map((l) => [l.target, l.answeredAt !== null]),
      [[mobile, true]],
    );
  });

  it('[A4] the mobile answers and says nothing (its voicemail): hung up after the screening time, the agent missed the offer, the caller waits on', async () => {
    await centre.until('1001 is ready again', async () => (await state()).state === 'ready');
    const phone = mobilePhone({ from: 'sip:12345@' });
    const caller = centre.caller('13800138302', { steps: [{ pauseMs: 1000, keys: '0' }], stayMs: 12_000 });
    const run = await phone;
    assert.equal(run.code, 0, `the mobile was not hung up:\n${run.errors}\n${centre.node.stdout.slice(-3000)}`);
    await centre.until('1001 is not ready', async () => (await state()).state === 'not_ready');
    assert.equal((await state()).reason, 'missed');
    // Still waiting in the queue after the mobile was released.
    const waiting = (await centre.admin.request('GET', '/queues/consultation/stats')).json as { waiting: number };
    assert.equal(waiting.waiting, 1);
    await caller;
    // The caller's hang-up is stored behind the call's end: wait for it.
    await centre.until('the interaction ends', async () => (await interactionOf('13800138302')).endCause !== null);
    const interaction = await interactionOf('13800138302');
    const kinds = interaction.timeline.map((e) => `${e.kind}${e.kind === 'reservation_ended' ? `:${String(e.detail.outcome)}` : ''}`);
    assert.ok(kinds.includes('reservation_ended:rejected'), kinds.join(' '));
    assert.ok(interaction.timeline.some((e) => e.kind === 'queued' && e.detail.requeued === true), kinds.join(' '));
    assert.equal(interaction.agentId, null);
    assert.equal(interaction.endCause, 'abandoned');
    const legs = (await centre.legsOf('13800138302')).filter((l) => l.leg === 'callee');
    assert.deepEqual(
      legs.map((l) => [l.target, l.answeredAt !== null, l.cause, l.endedBy]),
      [[mobile, true, 'no_user_response', 'kefu']],
    );
  });

  it('[A4][C5] a callback goes to the remote agent\'s mobile too: they press 1, then the customer is called through the trunk', async () => {
    const customer = '13800138303';
    await tuneQueue(centre.admin, 'consultation', { callback: { key: '1', everySeconds: 30, attempts: 1, retrySeconds: 2, ringSeconds: 10 } });
    // With the agent not ready, the caller asks to be called back and hangs up.
    await centre.caller(customer, { steps: [{ pauseMs: 1000, keys: '0' }, { pauseMs: 3000, keys: '1' }], stayMs: 'kefu' });
    assert.equal((await interactionOf(customer)).timeline.some((e) => e.kind === 'callback_requested'), true);
    // Both calls reach the carrier: first the agent's mobile (which presses 1), then the customer.
    const carrier = mobilePhone({ from: 'sip:12345@', press: { afterMs: 300, keys: '1' } }, 2);
    assert.equal((await agent.request('POST', '/agents/me/state', { action: 'ready' })).status, 200);
    await centre.until('the customer is called back', async () => (await interactionOf(customer)).timeline.some((e) => e.kind === 'callback_answered'), 30_000);
    // The customer's call runs the mobile's scenario too, keys 300 ms after answering and all:
    // hang up once it waits for its BYE, as SIPp ends a call that gets one anywhere else.
    await delay(1500);
    const calls = ((await centre.admin.request('GET', '/calls')).json as { items: { sipCallId: string; called: string }[] }).items.filter((c) => c.called === mobile);
    assert.equal(calls.length, 1, JSON.stringify(calls));
    assert.equal((await centre.admin.request('DELETE', `/calls/${encodeURIComponent(calls[0]!.sipCallId)}`)).status, 204);
    const run = await carrier;
    assert.equal(run.code, 0, `the carrier's calls failed:\n${run.errors}\n${centre.node.stdout.slice(-3000)}`);
    await centre.until('the callback ends', async () => (await interactionOf(customer)).endCause !== null);
    const done = await interactionOf(customer);
    assert.deepEqual([done.endCause, done.agentId], ['completed', agentId], JSON.stringify(done));
  });
});
