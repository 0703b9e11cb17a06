/**
 * Flows over real calls (issue 5): an `http` node asks a local business server and speaks its
 * answer, or takes its fallback exit when the server is too slow; publishing v2 while a call runs
 * v1 leaves that call on v1, and the next call runs v2.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { finishedCdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { runSipp } from './sipp.js';

const password = 'demo-password-1';

describe('[B3][B11] flows over real calls: the business gateway and versions', () => {
  let node: KefuNode;
  let folder: string;
  let database: TestDatabase;
  let admin: NodeApi;
  let gateway: Server;
  let slow = false;
  let flow: { id: string; version: number };

  const v1 = (url: string) => ({
    start: 'lookup',
    nodes: {
      lookup: { type: 'http', url: `${url}/orders?caller={{caller}}`, timeout: 1, results: { order: 'status' }, exits: { ok: 'found', fail: 'fallback' } },
      found: { type: 'say', text: 'v1 {{order}}', exits: { next: 'wait' } },
      fallback: { type: 'say', text: 'v1 fallback', exits: { next: 'wait' } },
      wait: { type: 'gather', prompt: { text: 'v1 wait' }, variable: 'x', timeout: 4, retries: 0, exits: { done: 'end', fail: 'end' } },
      end: { type: 'hangup' },
    },
  });
  const v2 = { start: 'hi', nodes: { hi: { type: 'say', text: 'v2', exits: { next: 'end' } }, end: { type: 'hangup' } } };

  async function call(): Promise<void> {
    const run = await runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138000', steps: [], end: 'kefu' }), 'fields.csv': `SEQUENTIAL\n12377;${await freePort()}\n` },
      90_000,
    );
    assert.equal(run.code, 0, `${run.errors}\n${node.stdout.slice(-2000)}`);
  }

  before(async () => {
    buildDist();
    gateway = createServer((request, response) => {
      const answer = () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: request.url?.includes('13800138000') ? 'shipped' : 'unknown' }));
      if (slow) setTimeout(answer, 2500);
      else answer();
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-flow-versions-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    const created = await admin.request('POST', '/flows', { name: 'orders', draft: v1(url) });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const published = await admin.request('POST', `/flows/${created.json.id}/publish`, { version: created.json.version });
    flow = published.json as { id: string; version: number };
    const number = await admin.request('POST', '/numbers', { number: '12377', kind: 'direct', bindings: [{ service: 'orders', flow: 'orders' }] });
    assert.equal(number.status, 201, JSON.stringify(number.json));
  });
  after(async () => {
    await node.stop('SIGTERM');
    gateway.close();
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('[B3] the http node fills a variable from the answer, and a slow server takes the fallback exit', async () => {
    await call();
    let cdr = await finishedCdr(node.url, admin.cookie, 'called=12377');
    assert.ok(cdr.trace.some((e) => e.event === 'said' && e.text === 'v1 shipped'), JSON.stringify(cdr.trace));
    slow = true;
    await call();
    slow = false;
    cdr = await finishedCdr(node.url, admin.cookie, 'called=12377');
    assert.ok(cdr.trace.some((e) => e.event === 'said' && e.text === 'v1 fallback'), JSON.stringify(cdr.trace));
  });

  it('[B11] publishing v2 while a call runs v1: that call finishes on v1, the next runs v2', async () => {
    const running = call();
    await delay(1500);
    const edited = await admin.request('PATCH', `/flows/${flow.id}`, { version: flow.version, draft: v2 });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
    const published = await admin.request('POST', `/flows/${flow.id}/publish`, { version: (edited.json as { version: number }).version });
    assert.equal((published.json as { liveVersion: number }).liveVersion, 2);
    await running;
    const first = await finishedCdr(node.url, admin.cookie, 'called=12377');
    assert.equal(first.flowVersion, 1);
    assert.ok(first.trace.some((e) => e.event === 'said' && e.text === 'v1 wait'), 'the call ran v1 to its end');
    await call();
    const second = await finishedCdr(node.url, admin.cookie, 'called=12377');
    assert.equal(second.flowVersion, 2);
    assert.deepEqual(second.trace.filter((e) => e.event === 'said').map((e) => e.text), ['v2']);
  });
});
