/**
 * The supervisor's hand from the wallboard, in real Chromium over real SIP and RTP: a caller
 * (SIPp, saying 440 Hz) reaches agent 1001 (a SIPp phone saying 1000 Hz); the supervisor clicks
 * Listen on 1001's row and the API rings the phone they gave (1002, a SIPp phone), which hears
 * both parties. Force not ready and force log out show on the grid within a second of the API's
 * answer; the skills editor shows the API's refusal at the field; an agent's "call supervisor"
 * shows on the wallboard until the supervisor takes it up.
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
import { answeringPhone, hearing, hotlineCaller, type TalkingPhone } from './sipp-phone.js';

const password = 'demo-web-supervisor-1';
const CALLER = 440;
const AGENT = 1000;
const SUPERVISOR = 1600;
/** A tone heard is well above this (as in supervision.test.ts). */
const HEARD_DBFS = -30;

describe('[E2] the wallboard: listen, force not ready and log out, skills, help requests', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let folder: string;
  let browser: TestBrowser;
  let admin: NodeApi;
  let wallboard: Page;
  let agentId: string;
  const phones: TalkingPhone[] = [];

  const row = (extension: string) => wallboard.locator(`[data-testid=agent-${extension}]`);
  const shownState = (extension: string, state: string) => row(extension).locator(`[data-testid=state][data-state=${state}]`);

  /** Clicks a forced state in 1001's ⋯ menu; returns ms from the API's answer to the grid showing `state`. */
  async function force(items: string[], state: string): Promise<number> {
    await row('1001').getByTestId('more-actions').click();
    const answered = wallboard.waitForResponse((response) => response.url().endsWith(`/agents/${agentId}/state`) && response.request().method() === 'POST', { timeout: 30_000 });
    for (const name of items) await wallboard.getByRole('menuitem', { name }).click();
    const response = await answered;
    assert.equal(response.status(), 200, await response.text());
    const at = Date.now();
    await shownState('1001', state).waitFor({ timeout: 10_000 });
    return Date.now() - at;
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-web-supervisor-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await tuneQueue(admin, 'consultation', { wrapUpSeconds: 0 });
    agentId = ((await admin.request('GET', '/agents?q=1001')).json.items as { id: string; extension: string }[]).find((a) => a.extension === '1001')!.id;
    browser = await TestBrowser.launch('web-supervisor');
    wallboard = await browser.page('wallboard', 1920, 1080);
    await logIn(wallboard, node.url, { tenant: 'demo', username: 'lead', password, home: '/wallboard' });
  });
  after(async () => {
    for (const phone of phones) phone.peer.close();
    await browser?.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database?.drop();
  });

  it('Listen on the agent\'s row rings the supervisor\'s phone, which hears the caller and the agent', async () => {
    await readyAgent(node.url, 'demo', '1001', password);
    const phone = await answeringPhone(node.sipPort, '1001', password, AGENT);
    const caller = await hotlineCaller(node.sipPort, '13800138301', CALLER, 'kefu');
    phones.push(phone, caller);
    await within(60_000, 'agent 1001 answering the caller', phone.talking).catch((failure: Error) => assert.fail(`${failure.message}\n${node.stdout.slice(-4000)}`));
    await within(60_000, 'the caller hearing Kefu', caller.talking);
    await shownState('1001', 'busy').waitFor({ timeout: 30_000 });

    const supervisor = await answeringPhone(node.sipPort, '1002', password, SUPERVISOR);
    phones.push(supervisor);
    await wallboard.getByTestId('monitor-phone').fill('1002');
    await row('1001').getByTestId('monitor-listen').click();
    await within(60_000, 'the supervisor\'s phone answering', supervisor.talking);
    await row('1001').locator('[data-testid=monitoring][data-mode=listen]').waitFor({ timeout: 10_000 });
    await browser.shot(wallboard, 'wallboard-listening');
    // On a loaded machine the first moments of a mix may come through broken: listen until both are clear.
    let heard: Record<number, number> = {};
    for (let tries = 0; !(heard[CALLER]! > HEARD_DBFS && heard[AGENT]! > HEARD_DBFS); tries++) {
      assert.ok(tries < 20, `the supervisor does not hear both parties: ${JSON.stringify(heard)}`);
      heard = await hearing(supervisor.peer, [CALLER, AGENT, SUPERVISOR], 1000);
    }

    // Whisper from the same row changes the mode without ringing the phone again.
    await row('1001').getByTestId('monitor-whisper').click();
    await row('1001').locator('[data-testid=monitoring][data-mode=whisper]').waitFor({ timeout: 10_000 });
    await row('1001').getByTestId('monitor-stop').click();
    assert.equal((await supervisor.run).code, 0, 'the supervisor\'s phone was not hung up');
    await row('1001').getByTestId('monitoring').waitFor({ state: 'detached', timeout: 10_000 });
    const live = ((await admin.request('GET', '/calls')).json.items as { sipCallId: string; caller: string }[]).find((c) => c.caller === '13800138301');
    assert.equal((await admin.request('DELETE', `/calls/${encodeURIComponent(live!.sipCallId)}`)).status, 204);
    assert.equal((await caller.run).code, 0);
    assert.equal((await phone.run).code, 0);
    await shownState('1001', 'ready').waitFor({ timeout: 30_000 });
  });

  it('force not ready and force log out show on the grid within a second of the API\'s answer', async () => {
    const notReady = await force(['强制未就绪', '会议'], 'not_ready');
    await shownState('1001', 'not_ready').filter({ hasText: '会议' }).waitFor({ timeout: 1000 });
    assert.ok(notReady <= 1000, `the grid showed not ready ${notReady} ms after the API answered`);
    const agent = await nodeApi(node.url, 'demo', '1001', password);
    assert.deepEqual(
      [(await agent.request('GET', '/agents/me/state')).json.state, (await agent.request('GET', '/agents/me/state')).json.reason],
      ['not_ready', 'meeting'],
    );
    const loggedOut = await force(['强制签出'], 'logged_out');
    assert.ok(loggedOut <= 1000, `the grid showed logged out ${loggedOut} ms after the API answered`);
    await browser.shot(wallboard, 'wallboard-forced-out');
  });

  it('the skills editor shows the API\'s refusal at the level, then changes the skills live', async () => {
    await row('1001').getByTestId('more-actions').click();
    await wallboard.getByRole('menuitem', { name: '修改技能' }).click();
    const level = wallboard.locator('#skills_skills_0_level');
    await level.waitFor({ timeout: 10_000 });
    await level.fill('11');
    await wallboard.locator('.ant-modal-footer .ant-btn-primary').click();
    await wallboard.locator('.ant-form-item-has-error #skills_skills_0_level').waitFor({ timeout: 10_000 });
    await browser.shot(wallboard, 'skills-refused');
    await level.fill('3');
    await wallboard.locator('.ant-modal-footer .ant-btn-primary').click();
    await wallboard.locator('.ant-modal').waitFor({ state: 'hidden', timeout: 10_000 });
    const agent = (await admin.request('GET', `/agents/${agentId}`)).json as { skills: Record<string, number> };
    assert.equal(Object.values(agent.skills)[0], 3, JSON.stringify(agent.skills));
    const refused = await admin.request('PUT', `/agents/${agentId}/skills`, { skills: { consultation: 0 } });
    assert.equal(refused.status, 400);
    assert.deepEqual((refused.json.error as { details: { path: string }[] }).details.map((d) => d.path), ['skills.consultation']);
  });

  it('an agent\'s "call supervisor" shows on the wallboard until the supervisor takes it up, and the agent sees who did', async () => {
    const desktop = await browser.page('desktop');
    await logIn(desktop, node.url, { tenant: 'demo', username: '1002', password, home: '/desktop' });
    await desktop.getByRole('button', { name: /签\s*入/ }).click();
    await desktop.getByTestId('call-supervisor').click();
    await desktop.locator('[data-testid="call-supervisor"][data-waiting="true"]').waitFor({ timeout: 10_000 });
    const alert = wallboard.getByTestId('help-1002');
    await alert.waitFor({ timeout: 10_000 });
    await browser.shot(wallboard, 'wallboard-help-request');
    // A wallboard opened later shows the request still open.
    await wallboard.setViewportSize({ width: 1366, height: 768 });
    await wallboard.reload();
    await alert.waitFor({ timeout: 15_000 });
    await browser.shot(wallboard, 'wallboard-1366');
    await alert.getByTestId('answer-help').click();
    await alert.waitFor({ state: 'detached', timeout: 10_000 });
    await desktop.locator('.help-answered').waitFor({ timeout: 10_000 });
    await desktop.locator('[data-testid="call-supervisor"][data-waiting="false"]').waitFor({ timeout: 10_000 });
    await browser.shot(desktop, 'desktop-help-answered');
    assert.deepEqual((await admin.request('GET', '/agent-help')).json.items, []);
    await wallboard.getByText('EN', { exact: true }).click();
    await row('1001').getByTestId('monitor-listen').filter({ hasText: 'Listen' }).waitFor({ timeout: 5000 });
    await desktop.context().close();
  });

  it('no page logged a console error but the skills refused on purpose', () => {
    const expected = (error: string) => error.endsWith('status of 401 (Unauthorized)') || error === 'wallboard: Failed to load resource: the server responded with a status of 400 (Bad Request)';
    assert.deepEqual(browser.errors.filter((error) => !expected(error)), []);
  });
});
