/**
 * The universal queue over real SIP: callers of the demo hotline press 0 and wait in the
 * `consultation` queue; agents 1001 and 1002 log in through the API and take calls on SIPp
 * phones registered with digest. Who gets which caller is read from the call's CDR legs and
 * the interaction's timeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AcdCentre } from './acd-centre.js';
import { tuneQueue } from './node-api.js';
import { answering, ringingOnly } from './phone-scenarios.js';

const password = 'demo-acd-1';

describe('[C1][C2][C5][D1] the consultation queue with agents on SIPp phones', () => {
  let centre: AcdCentre;
  /** A caller who presses 0 after the greeting starts and stays `stayMs` more. */
  const caller = (number: string, stayMs: number) => centre.caller(number, { steps: [{ pauseMs: 1000, keys: '0' }], stayMs });

  before(async () => {
    centre = await AcdCentre.start(password);
    await tuneQueue(centre.admin, 'consultation', { ringTimeoutSeconds: 4, wrapUpSeconds: 3 });
    for (const extension of ['1001', '1002']) await centre.addAgent(extension);
  });
  after(() => centre.stop());

  it('[C5] with nobody logged in, a caller goes to the director\'s mailbox at once', async () => {
    await caller('13800138200', 5000);
    const interactions = ((await centre.admin.request('GET', '/interactions?queue=consultation')).json as { items: { caller: string; endCause: string }[] }).items;
    assert.deepEqual(
      interactions.filter((i) => i.caller === '13800138200').map((i) => i.endCause),
      ['overflow_voicemail'],
    );
  });

  it('[C1] longest idle: the agent free longest gets the first caller, the other the second', async () => {
    await centre.act('1002', { action: 'login' });
    await delay(300);
    await centre.act('1001', { action: 'login' });
    const phones = [centre.phone('1001', answering, 1), centre.phone('1002', answering, 1)];
    const first = caller('13800138201', 8000);
    await centre.until('1002 is busy', async () => (await centre.state('1002')).state === 'busy');
    assert.equal((await centre.state('1001')).state, 'ready');
    const second = caller('13800138202', 5000);
    await Promise.all([first, second]);
    for (const run of await Promise.all(phones)) assert.equal(run.code, 0, run.errors);
    assert.deepEqual(await centre.answeredBy('13800138201'), ['1002']);
    assert.deepEqual(await centre.answeredBy('13800138202'), ['1001']);
    assert.equal((await centre.state('1001')).state, 'wrap_up', 'wrap-up follows the call');
  });

  it('[D1] an agent who lets an offer ring out is set not ready "missed"; the caller goes to the next agent', async () => {
    await centre.until('both agents are ready', async () => (await centre.state('1001')).state === 'ready' && (await centre.state('1002')).state === 'ready');
    // 1001 takes a moment off, so 1002 is idle longest: offered first, it rings out.
    await centre.act('1001', { action: 'not_ready', reason: 'break' });
    await centre.act('1001', { action: 'ready' });
    const phones = [centre.phone('1002', ringingOnly, 1), centre.phone('1001', answering, 1)];
    await caller('13800138203', 12_000);
    const mine = ((await centre.admin.request('GET', '/interactions?queue=consultation')).json as { items: { id: string; caller: string }[] }).items.find((i) => i.caller === '13800138203');
    const entries = mine === undefined ? [] : ((await centre.admin.request('GET', `/interactions/${mine.id}`)).json as { timeline: { at: string; kind: string; agentId: string | null; detail: { outcome?: string } }[] }).timeline;
    const timeline = mine === undefined ? 'no interaction' : JSON.stringify(entries);
    for (const run of await Promise.all(phones)) assert.equal(run.code, 0, `${run.errors}\n${timeline}\n${JSON.stringify(centre.agents['1001']!.id)} ${JSON.stringify(centre.agents['1002']!.id)}`);
    assert.deepEqual(await centre.state('1002'), { ...(await centre.state('1002')), state: 'not_ready', reason: 'missed' });
    const legs = (await centre.legsOf('13800138203')).filter((l) => l.leg === 'callee');
    const rangOut = legs.find((l) => l.target === '1002');
    const answered = legs.find((l) => l.target === '1001');
    assert.ok(rangOut !== undefined && rangOut.answeredAt === null, JSON.stringify(legs));
    // The next agent rings once the first offer ended (its CANCEL may still be on its way: the core refuses a late answer).
    const timedOut = entries.find((e) => e.kind === 'reservation_ended' && e.agentId === centre.agents['1002']!.id && e.detail.outcome === 'timed_out');
    assert.ok(timedOut !== undefined, timeline);
    assert.ok(answered?.answeredAt != null && Date.parse(answered.answeredAt) >= Date.parse(timedOut.at), `1001 answered before the offer to 1002 ended: ${JSON.stringify(legs)}\n${timeline}`);
  });

  it('[C2] a VIP caller is served ahead of a caller who came first; wrap-up holds the next offer', async () => {
    // With nobody ready, callers wait here instead of going to the mailbox.
    await tuneQueue(centre.admin, 'consultation', { overflowWhenUnstaffed: false });
    await centre.act('1001', { action: 'not_ready', reason: 'break' });
    await centre.until('1001 is not ready', async () => (await centre.state('1001')).state === 'not_ready');
    assert.equal((await centre.state('1002')).state, 'not_ready');
    const phoneRun = centre.phone('1002', answering, 2);
    const ordinary = caller('13800138204', 22_000);
    await delay(1500);
    const vip = caller('13800138000', 6000);
    await centre.until('both wait', async () => ((await centre.admin.request('GET', '/queues/consultation/stats')).json as { waiting: number }).waiting === 2);
    await centre.act('1002', { action: 'ready' });
    await Promise.all([ordinary, vip]);
    assert.equal((await phoneRun).code, 0);
    const served = async (number: string) => (await centre.legsOf(number)).find((l) => l.leg === 'callee' && l.answeredAt !== null)!;
    const [first, second] = [await served('13800138000'), await served('13800138204')];
    assert.ok(first.answeredAt! < second.answeredAt!, `the VIP was not served first: ${JSON.stringify([first, second])}`);
    const gap = Date.parse(second.answeredAt!) - Date.parse(first.endedAt!);
    assert.ok(gap >= 2500, `the next offer came ${gap} ms after the call, inside the 3 s wrap-up`);
  });
});
