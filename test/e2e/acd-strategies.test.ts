/**
 * Every queue strategy over real SIP (issue 6 must-show): agents 2001, 2002 and 2003 (levels 2,
 * 5 and 8 in the skill `strategies`) take calls on SIPp phones registered with digest; SIPp
 * callers dial 12366, whose flow puts them straight into the `strategies` queue asking for that
 * skill. Each test sets the strategy and arranges the agents so that it picks differently from
 * longest idle (acd.test.ts covers that one, and VIPs). Who got which caller is read from the
 * calls' CDR legs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AcdCentre, type PhoneScenario } from './acd-centre.js';
import { tuneQueue } from './node-api.js';
import { answering, answeringAfter, ringingOnly } from './phone-scenarios.js';
import type { SippRun } from './sipp.js';

const password = 'demo-strategies-1';
const called = '12366';
const [A, B, C]: [string, string, string] = ['2001', '2002', '2003'];
const levels: Record<string, number> = { [A]: 2, [B]: 5, [C]: 8 };

describe('[issue6-1] queue strategies end to end with agents on SIPp phones', () => {
  let centre: AcdCentre;
  let serial = 0;
  /** A fresh caller number for each call, so that each call's CDR is found by it. */
  const nextCaller = () => `1390013${String(++serial).padStart(4, '0')}`;

  /** No agent is ringing, talking or in wrap-up: the next caller finds everyone who is ready free. */
  const allFree = () =>
    centre.until('every agent is free', async () => {
      const states = await Promise.all([A, B, C].map((extension) => centre.state(extension)));
      return states.every((s) => !['reserved', 'busy', 'wrap_up'].includes(s.state));
    });

  /** Callers one after the other, each once the agents are free again; returns who answered each. */
  async function inTurn(calls: number, stayMs = 1500): Promise<string[]> {
    const served: string[] = [];
    for (let index = 0; index < calls; index++) {
      await allFree();
      const number = nextCaller();
      await centre.caller(number, { called, stayMs });
      served.push((await centre.answeredBy(number, called)).join('+'));
    }
    return served;
  }

  /** The agents' phones for a test: extension → scenario and how many calls it takes. */
  async function phones(plan: Record<string, [PhoneScenario, number]>, during: () => Promise<void>): Promise<void> {
    const runs = Object.entries(plan).map(([extension, [scenario, calls]]) => centre.phone(extension, scenario, calls));
    await during();
    for (const run of await Promise.all(runs)) assert.equal(run.code, 0, run.errors);
  }

  /** Logs every agent out and in again not ready, so that counts since log-in start from zero. */
  async function freshShift(): Promise<void> {
    await allFree();
    for (const extension of [A, B, C]) {
      if ((await centre.state(extension)).state !== 'logged_out') await centre.act(extension, { action: 'logout' });
      await centre.act(extension, { action: 'login', reason: 'break' });
    }
  }

  before(async () => {
    centre = await AcdCentre.start(password);
    const { admin } = centre;
    const queue = await admin.request('POST', '/queues', { name: 'strategies', settings: { strategy: 'round_robin', ringTimeoutSeconds: 5, wrapUpSeconds: 1 } });
    assert.equal(queue.status, 201, JSON.stringify(queue.json));
    for (const extension of [A, B, C]) {
      const agent = await admin.request('POST', '/agents', {
        username: extension,
        displayName: `Agent ${extension}`,
        password,
        extension,
        sipPassword: password,
        skills: { strategies: levels[extension] },
      });
      assert.equal(agent.status, 201, JSON.stringify(agent.json));
    }
    const draft = {
      start: 'wait',
      nodes: {
        wait: { type: 'queue', queue: 'strategies', skills: { strategies: 1 }, exits: { fail: 'end' } },
        end: { type: 'hangup' },
      },
    };
    const flow = await admin.request('POST', '/flows', { name: 'strategies', draft });
    assert.equal(flow.status, 201, JSON.stringify(flow.json));
    assert.equal((await admin.request('POST', `/flows/${flow.json.id}/publish`, { version: flow.json.version })).status, 200);
    const number = await admin.request('POST', '/numbers', { number: called, kind: 'direct', bindings: [{ service: 'strategies', flow: 'strategies' }] });
    assert.equal(number.status, 201, JSON.stringify(number.json));
    for (const extension of [A, B, C]) await centre.addAgent(extension);
  });
  after(() => centre.stop());

  it('round robin: members in the order they joined the queue, whoever has been idle longest', async () => {
    for (const extension of [A, B, C]) await centre.act(extension, { action: 'login' });
    // A comes back from a break last: longest idle would pick B first.
    await centre.act(A, { action: 'not_ready', reason: 'break' });
    await centre.act(A, { action: 'ready' });
    let served: string[] = [];
    await phones({ [A]: [answering, 2], [B]: [answering, 1], [C]: [answering, 1] }, async () => {
      served = await inTurn(4);
    });
    assert.deepEqual(served, [A, B, C, A]);
  });

  it('ring all: every free agent rings, the first to answer wins, the others get a CANCEL and stay ready', async () => {
    await tuneQueue(centre.admin, 'strategies', { strategy: 'ring_all' });
    await allFree();
    const number = nextCaller();
    await phones({ [A]: [ringingOnly, 1], [B]: [answeringAfter(1500), 1], [C]: [ringingOnly, 1] }, async () => {
      await centre.caller(number, { called, stayMs: 2000 });
    });
    const legs = (await centre.legsOf(number, called)).filter((leg) => leg.leg === 'callee');
    assert.deepEqual(legs.map((leg) => leg.target).sort(), [A, B, C], JSON.stringify(legs));
    assert.deepEqual(legs.filter((leg) => leg.answeredAt !== null).map((leg) => leg.target), [B]);
    await allFree();
    for (const extension of [A, B, C]) assert.equal((await centre.state(extension)).state, 'ready', `${extension} is not ready after the cancelled offer`);
  });

  it('fewest calls: the agent who answered fewest since log-in, though another has been idle longer', async () => {
    await tuneQueue(centre.admin, 'strategies', { strategy: 'fewest_calls' });
    await freshShift();
    let served: string[] = [];
    await phones({ [A]: [answering, 1], [B]: [answering, 1], [C]: [answering, 1] }, async () => {
      await centre.act(A, { action: 'ready' });
      served = await inTurn(1);
      // A is idle longest from here, with one call against none.
      await allFree();
      await centre.act(B, { action: 'ready' });
      await centre.act(C, { action: 'ready' });
      served.push(...(await inTurn(2)));
    });
    assert.deepEqual(served, [A, B, C]);
  });

  it('least talk time: the agent who talked least since log-in, though they took more calls and another is idle longer', async () => {
    await tuneQueue(centre.admin, 'strategies', { strategy: 'least_talk_time' });
    await freshShift();
    let served: string[] = [];
    await phones({ [A]: [answering, 1], [B]: [answering, 3] }, async () => {
      await centre.act(B, { action: 'ready' });
      served = await inTurn(2, 1000);
      await allFree();
      await centre.act(B, { action: 'not_ready', reason: 'break' });
      await centre.act(A, { action: 'ready' });
      served.push(...(await inTurn(1, 6000)));
      await allFree();
      await centre.act(B, { action: 'ready' });
      // A: one call of 6 s, idle longest; B: two calls of about 1 s.
      served.push(...(await inTurn(1)));
    });
    assert.deepEqual(served, [B, B, A, B]);
  });

  it('random: each caller goes to one of the free agents, not in any fixed order', async () => {
    await tuneQueue(centre.admin, 'strategies', { strategy: 'random' });
    await allFree();
    await centre.act(C, { action: 'ready' });
    const stop = new AbortController();
    const runs: Promise<SippRun>[] = [A, B, C].map((extension) => centre.phone(extension, answering, 8, stop.signal));
    let served: string[] = [];
    try {
      served = await inTurn(8);
    } finally {
      stop.abort();
      await Promise.all(runs);
    }
    assert.ok(served.every((agent) => [A, B, C].includes(agent)), `each caller answered by one agent: ${served.join(' ')}`);
    assert.ok(new Set(served).size >= 2, `every caller went to one agent: ${served.join(' ')}`);
    // Any fixed order (round robin, longest idle with callers one after the other) serves all three before anyone again.
    const again = served.some((agent, index) => served.slice(index + 1, index + 3).includes(agent));
    assert.ok(again, `no agent got a second caller before the other free agents had one: ${served.join(' ')}`);
  });

  it('skills weighted: the most skilled free agent first, whoever is idle longest', async () => {
    await tuneQueue(centre.admin, 'strategies', { strategy: 'skills_weighted' });
    await allFree();
    // C (level 8) comes back from a break last: longest idle would pick A or B first.
    await centre.act(C, { action: 'not_ready', reason: 'break' });
    await centre.act(C, { action: 'ready' });
    const numbers = [nextCaller(), nextCaller(), nextCaller()];
    const busy = async (count: number) => {
      const states = await Promise.all([A, B, C].map((extension) => centre.state(extension)));
      return states.filter((s) => s.state === 'busy').length === count;
    };
    await phones({ [A]: [answering, 1], [B]: [answering, 1], [C]: [answering, 1] }, async () => {
      const first = centre.caller(numbers[0]!, { called, stayMs: 9000 });
      await centre.until('one agent talks', () => busy(1));
      const second = centre.caller(numbers[1]!, { called, stayMs: 7000 });
      await centre.until('two agents talk', () => busy(2));
      const third = centre.caller(numbers[2]!, { called, stayMs: 5000 });
      await Promise.all([first, second, third]);
    });
    const served = await Promise.all(numbers.map(async (number) => (await centre.answeredBy(number, called)).join('+')));
    assert.deepEqual(served, [C, B, A]);
  });
});
