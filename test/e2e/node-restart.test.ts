/**
 * A node that dies while a caller waits in its queue (SIGKILL: nothing of its own shutdown runs)
 * and starts again on the same database (issue 6 item 9): the caller's interaction and the call's
 * CDR end with cause `node_restart`, the agent who was logged in is logged out, and the tenant is
 * routed at once (the dead node's lease given up, not waited out). Nothing is left waiting, or up,
 * forever. A node stopped in order (SIGTERM) hangs its callers up first, with a BYE.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import type { Cdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, tuneQueue, type NodeApi } from './node-api.js';
import { runSipp, type SippRun } from './sipp.js';

const password = 'demo-restart-1';
const caller = '13800138000';
const later = '13900139000';

interface Interaction {
  id: string;
  caller: string;
  state: string;
  endCause: string | null;
  timeline: { kind: string; detail: Record<string, unknown> }[];
}

describe('[issue6-9] a node started again after it died mid-call', () => {
  let database: TestDatabase;
  let folder: string;
  let settings: Record<string, string | undefined>;
  const nodes: KefuNode[] = [];

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-restart-'));
    settings = { KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' };
  });
  after(async () => {
    for (const node of nodes) await node.stop('SIGKILL');
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  async function start(): Promise<KefuNode> {
    const node = await KefuNode.start(settings, folder);
    nodes.push(node);
    await node.ready();
    return node;
  }

  async function interactionOf(admin: NodeApi, number = caller): Promise<Interaction | undefined> {
    const items = ((await admin.request('GET', '/interactions?queue=consultation&limit=10')).json as { items: { id: string; caller: string }[] }).items;
    const found = items.find((i) => i.caller === number);
    return found === undefined ? undefined : ((await admin.request('GET', `/interactions/${found.id}`)).json as unknown as Interaction);
  }

  /**
   * A SIPp caller of the hotline who presses 0 and waits in the queue, sending silence, until Kefu's
   * BYE (whose Reason must match `byeReason` when given) or `stop`; back once their interaction waits.
   */
  async function waitingCaller(node: KefuNode, admin: NodeApi, number: string, options: { byeReason?: string; stop?: AbortSignal } = {}): Promise<{ call: Promise<SippRun>; peer: RtpPeer }> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    peer.playBack([], 0);
    const scenario = ivrScenario({ caller: number, steps: [{ pauseMs: 1000, keys: '0' }], end: 'kefu', kefuByeWithinMs: 110_000, ...(options.byeReason === undefined ? {} : { expectByeReason: options.byeReason }) });
    const call = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '120'],
      { 'scenario.xml': scenario, 'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n` },
      130_000,
      options.stop,
    );
    for (let tries = 0; (await interactionOf(admin, number))?.state !== 'waiting'; tries++) {
      if (tries === 150) {
        peer.close();
        assert.fail(`${number} never waited:\n${node.stdout.slice(-3000)}`);
      }
      await delay(200);
    }
    return { call, peer };
  }

  it('ends the waiting caller\'s interaction and CDR with cause node_restart, logs the agent out and routes at once', async () => {
    const first = await start();
    const admin = await nodeApi(first.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    // The caller waits however long it takes: nobody is sent to the mailbox.
    await tuneQueue(admin, 'consultation', { overflowWhenUnstaffed: false, maxWaitSeconds: undefined, overflow: undefined, announceEverySeconds: undefined });
    const agent = await nodeApi(first.url, 'demo', '1001', password);
    assert.equal((await agent.request('POST', '/agents/me/state', { action: 'login', reason: 'break' })).status, 200);

    const hangUp = new AbortController();
    const { call, peer } = await waitingCaller(first, admin, caller, { stop: hangUp.signal });
    try {
      const open = ((await admin.request('GET', `/cdrs?caller=${caller}`)).json as { items: Cdr[] }).items;
      assert.deepEqual(
        open.map((cdr) => [cdr.leg, cdr.endedAt]),
        [['caller', null]],
        'the call is up as the node dies',
      );

      await first.stop('SIGKILL');
      const second = await start();
      await second.output(/ended what the last run left open/);

      const again = await nodeApi(second.url, 'demo', 'admin', password);
      const ended = await interactionOf(again);
      assert.deepEqual([ended?.state, ended?.endCause], ['ended', 'node_restart']);
      const last = ended?.timeline.at(-1);
      assert.deepEqual([last?.kind, last?.detail.cause], ['ended', 'node_restart']);
      const cdrs = ((await again.request('GET', `/cdrs?caller=${caller}`)).json as { items: Cdr[] }).items;
      assert.deepEqual(
        cdrs.map((cdr) => [cdr.leg, cdr.cause, cdr.endedBy, cdr.endedAt !== null]),
        [['caller', 'node_restart', 'kefu', true]],
      );
      // Routed at once, not once the dead node's lease has run out: the agent is out, and may log in.
      const back = await nodeApi(second.url, 'demo', '1001', password);
      const state = await back.request('GET', '/agents/me/state');
      assert.equal((state.json as { state?: string }).state, 'logged_out', JSON.stringify(state.json));
      assert.equal((await back.request('POST', '/agents/me/state', { action: 'login', reason: 'break' })).status, 200);
    } finally {
      hangUp.abort();
      await call;
      peer.close();
    }
  });

  it('an orderly stop (SIGTERM) hangs up the waiting caller with a BYE (Q.850 41); the next start ends what routing had of them', async () => {
    const running = nodes.at(-1)!;
    const admin = await nodeApi(running.url, 'demo', 'admin', password);
    const { call, peer } = await waitingCaller(running, admin, later, { byeReason: 'cause=41' });
    try {
      assert.equal((await running.stop('SIGTERM')).code, 0, running.stderr);
      const result = await call;
      assert.equal(result.code, 0, `the caller got no BYE with cause 41: ${result.errors}`);
      assert.match(running.stdout, /calls in progress ended/);

      const third = await start();
      const again = await nodeApi(third.url, 'demo', 'admin', password);
      const ended = await interactionOf(again, later);
      assert.deepEqual([ended?.state, ended?.endCause], ['ended', 'node_restart']);
    } finally {
      peer.close();
    }
  });
});
