/**
 * Listening in from the wallboard page itself, in real Chromium over real SIP and RTP: a
 * supervisor given an extension of their own (as a centre provisions a team lead's seat) has the
 * desktop's softphone on the wallboard, registered by the login cookie. A caller (SIPp, 440 Hz)
 * talks to agent 1001 (a SIPp phone, 1000 Hz); Listen on 1001's row rings the page, the
 * supervisor answers, and the page hears both tones at once while neither the caller nor the
 * agent hears the supervisor's microphone (1600 Hz) — though each still hears the other.
 *
 * The PostgreSQL pass leaves this file out: its pages drive the REST routes that the API tests
 * run on both databases.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { logIn, TestBrowser } from './browser.js';
import { buildDist, KefuNode, within } from './kefu-node.js';
import { nodeApi, readyAgent, tuneQueue, type NodeApi } from './node-api.js';
import { fakeMicrophone, pageHeard, pageLevels, watchPeerConnections } from './page-audio.js';
import { answeringPhone, hearing, hotlineCaller, type TalkingPhone } from './sipp-phone.js';

const password = 'demo-wallboard-listen-1';
const CALLER = 440;
const AGENT = 1000;
const SUPERVISOR = 1600;
/** A tone heard by a SIPp phone is well above this, one not heard well below (as in supervision.test.ts). */
const HEARD_DBFS = -30;
/** The page's analyser hears a tone above this (page-audio.ts). */
const PAGE_HEARD_DB = -50;

describe('[E2] the supervisor listens from the wallboard page: it hears both parties, neither hears it', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let folder: string;
  let browser: TestBrowser;
  let admin: NodeApi;
  let wallboard: Page;
  const phones: TalkingPhone[] = [];

  const row = (extension: string) => wallboard.locator(`[data-testid=agent-${extension}]`);
  const softphone = (call: string) => wallboard.locator(`[data-testid=softphone][data-call=${call}]`);

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-wallboard-listen-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await tuneQueue(admin, 'consultation', { wrapUpSeconds: 0 });
    const lead = await admin.request('POST', '/agents', { username: 'zhao', displayName: '赵主管 Supervisor Zhao', password, extension: '1009', sipPassword: password, roles: ['supervisor'] });
    assert.equal(lead.status, 201, JSON.stringify(lead.json));
    browser = await TestBrowser.launch('wallboard-listen', fakeMicrophone(folder, SUPERVISOR));
    wallboard = await browser.page('wallboard', 1920, 1080);
    await watchPeerConnections(wallboard);
  });
  after(async () => {
    for (const phone of phones) phone.peer.close();
    await browser?.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database?.drop();
  });

  it('Listen rings the wallboard\'s own phone; answered, the page hears caller and agent, and they hear each other but not the page', async () => {
    // Given a seat, the lead is an agent too and lands on the desktop; the wallboard is a menu away.
    await logIn(wallboard, node.url, { tenant: 'demo', username: 'zhao', password, home: '/desktop' });
    await wallboard.getByRole('menuitem', { name: '监控大屏' }).click();
    await wallboard.waitForURL(`${node.url}/wallboard`, { timeout: 10_000 });
    await wallboard.locator('[data-testid=softphone-registration][data-registration=registered]').waitFor({ timeout: 20_000 });

    await readyAgent(node.url, 'demo', '1001', password);
    const agent = await answeringPhone(node.sipPort, '1001', password, AGENT);
    const caller = await hotlineCaller(node.sipPort, '13800138301', CALLER, 'kefu');
    phones.push(agent, caller);
    await within(60_000, 'agent 1001 answering the caller', agent.talking).catch((failure: Error) => assert.fail(`${failure.message}\n${node.stdout.slice(-4000)}`));
    await within(60_000, 'the caller hearing Kefu', caller.talking);
    await row('1001').locator('[data-testid=state][data-state=busy]').waitFor({ timeout: 30_000 });

    await row('1001').getByTestId('monitor-listen').click();
    await softphone('ringing').waitFor({ timeout: 30_000 });
    await wallboard.getByTestId('softphone-answer').click();
    await softphone('talking').waitFor({ timeout: 15_000 });
    await row('1001').locator('[data-testid=monitoring][data-mode=listen]').waitFor({ timeout: 10_000 });

    // Both tones at once in what the page receives: polled (every 100 ms, 30 s at most) until both are clear.
    let levels: number[] = [];
    const deadline = Date.now() + 30_000;
    do {
      levels = await pageLevels(wallboard, [CALLER, AGENT]);
      if (levels.every((db) => db > PAGE_HEARD_DB)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    process.stdout.write(`# the wallboard's page heard the caller's ${CALLER} Hz at ${levels[0]!.toFixed(1)} dB and the agent's ${AGENT} Hz at ${levels[1]!.toFixed(1)} dB\n`);
    assert.ok(levels.every((db) => db > PAGE_HEARD_DB), `the page does not hear both parties: ${JSON.stringify(levels)}`);
    await browser.shot(wallboard, 'wallboard-listening-in-page');

    // The page does send its microphone (a second of it, polled for 20 s at most): Kefu keeps it out of the call.
    let sent = await pageHeard(wallboard, CALLER);
    for (const until = Date.now() + 20_000; sent.packetsSent <= 50 && Date.now() < until; sent = await pageHeard(wallboard, CALLER)) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(sent.packetsSent > 50 && sent.codec === 'audio/PCMU', JSON.stringify(sent));
    const callerHeard = await hearing(caller.peer, [AGENT, SUPERVISOR], 1500);
    const agentHeard = await hearing(agent.peer, [CALLER, SUPERVISOR], 1500);
    process.stdout.write(`# the caller heard ${JSON.stringify(callerHeard)} (dBFS by Hz); the agent heard ${JSON.stringify(agentHeard)}\n`);
    assert.ok(callerHeard[AGENT]! > HEARD_DBFS && agentHeard[CALLER]! > HEARD_DBFS, 'caller and agent still hear each other');
    assert.ok(callerHeard[SUPERVISOR]! < HEARD_DBFS - 10, `the caller hears the supervisor: ${JSON.stringify(callerHeard)}`);
    assert.ok(agentHeard[SUPERVISOR]! < HEARD_DBFS - 10, `the agent hears the supervisor: ${JSON.stringify(agentHeard)}`);

    await row('1001').getByTestId('monitor-stop').click();
    await softphone('idle').waitFor({ timeout: 15_000 });
    await row('1001').getByTestId('monitoring').waitFor({ state: 'detached', timeout: 10_000 });
    const live = ((await admin.request('GET', '/calls')).json.items as { sipCallId: string; caller: string }[]).find((c) => c.caller === '13800138301');
    assert.equal((await admin.request('DELETE', `/calls/${encodeURIComponent(live!.sipCallId)}`)).status, 204);
    assert.equal((await caller.run).code, 0);
    assert.equal((await agent.run).code, 0);
  });

  it('no page logged a console error', () => {
    // Before logging in, the app asks who is logged in: that 401 is how it learns nobody is.
    assert.deepEqual(browser.errors.filter((error) => !error.endsWith('status of 401 (Unauthorized)')), []);
  });
});
