/**
 * The browser app (web/) in real Chromium against a real node: the admin console creates a queue
 * (a bad value shown at its field first), an agent logs in on the desktop and goes ready while the
 * supervisor's wallboard, another page, shows the change within a second; a SIPp caller who
 * presses 0 on the hotline waits in the consultation queue on the wallboard, is offered to the
 * agent when they go ready, shows on the desktop with the customer's name, has a case opened for
 * them from the desktop, and is transferred blind from the desktop to agent 1002. Screenshots are kept in a temp folder (printed).
 *
 * The PostgreSQL pass leaves this file out: its pages drive the REST routes that the API tests
 * run on both databases.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { EventWatch } from '../helpers/event-watch.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { logIn, pickOption, TestBrowser, watchMotion } from './browser.js';
import { finishedCdr, type Cdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, tuneQueue, type NodeApi } from './node-api.js';
import { answeringAfter } from './phone-scenarios.js';
import { runSipp, sipp, type SippRun } from './sipp.js';

const password = 'demo-web-1';

describe('[web] the browser app: admin console, agent desktop, supervisor wallboard', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let folder: string;
  let browser: TestBrowser;
  let admin: NodeApi;
  let desktop: Page;
  let wallboard: Page;

  /** Registers agent `extension`'s SIPp phone and runs it, answering one call (and hanging up after `hangUpAfterMs`). */
  async function agentPhone(extension: string, hangUpAfterMs?: number): Promise<{ run: Promise<SippRun>; peer: RtpPeer }> {
    const port = await freePort();
    const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: [`${extension};demo`], port, extra: ['-au', extension, '-ap', password] });
    assert.equal(registered.code, 0, registered.errors);
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    peer.playBack([], 0);
    const run = runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', '1', '-trace_err', '-nostdin', '-timeout', '150'], { 'phone.xml': answeringAfter(0, hangUpAfterMs)(extension, peer.port) }, 160_000);
    return { run, peer };
  }

  const agentState = (page: Page, extension: string, state: string) => page.locator(`[data-testid=agent-${extension}] [data-testid=state][data-state=${state}]`);

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-web-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    // Seeding the demo centre on a fresh database takes a while on a busy machine.
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    browser = await TestBrowser.launch('web-console');
  });
  after(async () => {
    await browser?.close();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('serves the app at / with a fallback for its pages, long-cached assets, and leaves /api alone', async () => {
    const index = await fetch(`${node.url}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset !== undefined, html);
    assert.match((await fetch(`${node.url}${asset}`)).headers.get('cache-control') ?? '', /immutable/);
    const page = await fetch(`${node.url}/admin/queues`);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), html);
    const api = await fetch(`${node.url}/api/v1/no-such-thing`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'ERR_ROUTE_NOT_FOUND');
    assert.equal((await fetch(`${node.url}/assets/missing.js`)).status, 404);
  });

  it('the admin creates a queue in the console, a bad value shown at its field; an agent\'s outside number, and the agent takes calls there', async () => {
    const page = await browser.page('admin');
    await logIn(page, node.url, { tenant: 'demo', username: 'admin', password, home: '/wallboard' });
    await page.getByRole('menuitem', { name: '队列' }).click();
    await page.waitForURL(`${node.url}/admin/queues`);
    await page.locator('[data-testid=create]').click();
    await page.locator('#queues_name').fill('web-sales');
    await page.locator('#queues_settings_ringTimeoutSeconds').fill('0');
    await page.locator('#queues_settings_wrapUpSeconds').fill('15');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    const problem = page.locator('.ant-form-item-has-error #queues_settings_ringTimeoutSeconds');
    await problem.waitFor({ timeout: 10_000 });
    await browser.shot(page, 'queue-field-error');
    await page.locator('#queues_settings_ringTimeoutSeconds').fill('15');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.locator('td', { hasText: 'web-sales' }).waitFor({ timeout: 10_000 });
    await browser.shot(page, 'queue-created');
    const queue = (await admin.request('GET', '/queues/web-sales')).json as { settings: { ringTimeoutSeconds: number; wrapUpSeconds: number } };
    assert.equal(queue.settings.ringTimeoutSeconds, 15);
    assert.equal(queue.settings.wrapUpSeconds, 15);

    // [A4] A remote agent's outside number: a bad one shown at its field, a good one kept, and
    // the agent takes calls there from the desktop; emptied, it is removed.
    const agent1002 = async () => ((await admin.request('GET', '/agents')).json.items as { extension: string; remoteNumber: string | null }[]).find((a) => a.extension === '1002');
    const editAgent = async (remoteNumber: string) => {
      await page.locator('tr', { hasText: '1002' }).getByRole('button', { name: /编\s*辑/ }).click();
      await page.locator('#agents_remoteNumber').fill(remoteNumber);
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
    };
    await page.getByRole('menuitem', { name: '坐席与技能' }).click();
    await page.waitForURL(`${node.url}/admin/agents`);
    await editAgent('call me');
    await page.locator('.ant-form-item-has-error #agents_remoteNumber').waitFor({ timeout: 10_000 });
    await page.locator('#agents_remoteNumber').fill('13912345678');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.locator('.ant-modal').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal((await agent1002())?.remoteNumber, '13912345678');
    const mobile = await browser.page('desktop-remote');
    await logIn(mobile, node.url, { tenant: 'demo', username: '1002', password, home: '/desktop' });
    await mobile.getByTestId('login-remote').click();
    await mobile.locator('[data-testid=agent-state][data-state=ready]').waitFor({ timeout: 10_000 });
    const remote = await nodeApi(node.url, 'demo', '1002', password);
    assert.equal((await remote.request('GET', '/agents/me/state')).json.endpoint, 'remote');
    await mobile.getByRole('button', { name: /签\s*出/ }).click();
    await mobile.locator('[data-testid=agent-state][data-state=logged_out]').waitFor({ timeout: 10_000 });
    await mobile.context().close();
    await editAgent('');
    await page.locator('.ant-modal').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal((await agent1002())?.remoteNumber, null);
    await page.context().close();
  });

  it('an agent goes ready on the desktop and the wallboard shows it within a second; the agent finds and edits customers', async () => {
    wallboard = await browser.page('wallboard', 1920, 1080);
    await logIn(wallboard, node.url, { tenant: 'demo', username: 'lead', password, home: '/wallboard' });
    await agentState(wallboard, '1001', 'logged_out').waitFor({ timeout: 10_000 });
    // The tenant's own not-ready reasons are what the desktop offers.
    const reasons = [
      { code: 'break', name: '休息', nameEn: 'Break' },
      { code: 'coaching', name: '辅导', nameEn: 'Coaching' },
    ];
    assert.equal((await admin.request('PUT', '/not-ready-reasons', { items: reasons })).status, 200);
    desktop = await browser.page('desktop');
    await logIn(desktop, node.url, { tenant: 'demo', username: '1001', password, home: '/desktop' });
    await desktop.locator('[data-testid=agent-state][data-state=logged_out]').waitFor({ timeout: 10_000 });
    await desktop.locator('[data-testid=softphone]', { hasText: '1001' }).waitFor({ timeout: 10_000 });
    await desktop.getByRole('button', { name: /签\s*入/ }).click();
    const [onDesktop, onWallboard] = await Promise.all(
      [desktop.locator('[data-testid=agent-state][data-state=ready]'), agentState(wallboard, '1001', 'ready')].map(async (shown) => {
        await shown.waitFor({ timeout: 10_000 });
        return Date.now();
      }),
    );
    assert.ok(onWallboard! - onDesktop! <= 1000, `the wallboard showed the change ${onWallboard! - onDesktop!} ms after the desktop`);
    await browser.shot(desktop, 'desktop-ready');
    await browser.shot(wallboard, 'wallboard-ready');
    // Not ready with a reason: the wallboard shows the reason too.
    await desktop.getByRole('button', { name: /未就绪/ }).click();
    await desktop.getByRole('menuitem', { name: '辅导' }).waitFor({ timeout: 5000 });
    assert.deepEqual(await desktop.locator('.ant-dropdown-menu').getByRole('menuitem').allInnerTexts(), ['休息', '辅导']);
    await desktop.getByRole('menuitem', { name: '休息' }).click();
    await agentState(wallboard, '1001', 'not_ready').filter({ hasText: '休息' }).waitFor({ timeout: 5000 });
    // The English switch: the same wallboard in English.
    await wallboard.getByText('EN', { exact: true }).click();
    await agentState(wallboard, '1001', 'not_ready').filter({ hasText: 'Not ready · Break' }).waitFor({ timeout: 5000 });

    // [C6] The agent finds a customer by name and edits the profile, and opens one for a new number.
    const customers = async (query: string) => ((await admin.request('GET', `/customers?${query}`)).json as { items: { name: string; notes: string }[] }).items;
    await desktop.getByTestId('customer-search').locator('input').fill('李娜');
    await desktop.getByTestId('customer-search').locator('input').press('Enter');
    await desktop.getByTestId('customer-edit-李娜').click();
    await desktop.locator('#customer_notes').fill('约好周五回访');
    await desktop.locator('.ant-modal-footer .ant-btn-primary').click();
    await desktop.locator('.ant-modal').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal((await customers(`q=${encodeURIComponent('李娜')}`))[0]?.notes, '约好周五回访');
    await desktop.getByTestId('customer-new').click();
    await desktop.locator('#customer_name').fill('赵六');
    await desktop.locator('#customer_phones').fill('13700137000');
    await desktop.locator('.ant-modal-footer .ant-btn-primary').click();
    await desktop.locator('.ant-modal').waitFor({ state: 'hidden', timeout: 10_000 });
    await desktop.getByTestId('customer-edit-赵六').waitFor({ timeout: 5000 });
    assert.deepEqual((await customers('phone=13700137000')).map((c) => c.name), ['赵六']);
    await browser.shot(desktop, 'desktop-customers');
  });

  it('a SIPp caller waits in the queue on the wallboard; ready, the agent gets the call with the customer on the desktop, opens a case for them, adds a third party, and transfers it blind', async () => {
    await tuneQueue(admin, 'consultation', { overflowWhenUnstaffed: false, wrapUpSeconds: 60 });
    const first = await agentPhone('1001');
    // 1002 takes the transferred caller and hangs up after two seconds, which ends the call: the
    // caller stays on the line as long as the steps before take (a busy machine takes its time).
    const second = await agentPhone('1002', 2000);
    const callerPeer = await RtpPeer.open({ codec: 'PCMU' });
    callerPeer.playBack([], 0);
    const caller = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '150'],
      { 'scenario.xml': ivrScenario({ caller: '13800138000', steps: [{ pauseMs: 1000, keys: '0' }], end: 'kefu', kefuByeWithinMs: 140_000 }), 'fields.csv': `SEQUENTIAL\n12345;${callerPeer.port}\n` },
      160_000,
    );
    try {
      const waiting = wallboard.locator('[data-testid=queue-consultation] [data-testid=waiting]');
      await waiting.filter({ hasText: /^1$/ }).waitFor({ timeout: 20_000 });
      await browser.shot(wallboard, 'wallboard-caller-waiting');
      // By its test ID: a button that is loading has the spinner's name in its own.
      await desktop
        .getByTestId('go-ready')
        .click()
        .catch(async (failure: Error) => assert.fail(`${failure.message}\nthe desk showed: ${await desktop.locator('body').innerText()}`));
      await desktop.locator('[data-testid=current-call] [data-testid=caller]', { hasText: '13800138000' }).waitFor({ timeout: 15_000 });
      await desktop.locator('[data-testid=current-call] [data-testid=customer]', { hasText: '张伟' }).waitFor({ timeout: 10_000 });
      await desktop.locator('[data-testid=agent-state][data-state=busy]').waitFor({ timeout: 20_000 });
      await agentState(wallboard, '1001', 'busy').waitFor({ timeout: 5000 });
      await waiting.filter({ hasText: /^0$/ }).waitFor({ timeout: 5000 });
      await browser.shot(desktop, 'desktop-call');
      await browser.shot(wallboard, 'wallboard-agent-busy');
      // An agent transfers only the caller connected to them: 1002 may not move 1001's caller.
      const live = ((await admin.request('GET', '/calls')).json as { items: { sipCallId: string; caller: string }[] }).items.find((c) => c.caller === '13800138000');
      const other = await nodeApi(node.url, 'demo', '1002', password);
      assert.equal((await other.request('POST', `/calls/${encodeURIComponent(live!.sipCallId)}/transfer`, { to: '1002' })).status, 404);
      // [G2] The agent opens a case from the call: the form knows the customer, the page shows the
      // case's number and lists it on the customer card, and the case is linked to the interaction.
      const motions = await watchMotion(desktop);
      await desktop.getByTestId('case-new').click();
      await desktop.locator('[data-testid=case-customer]', { hasText: '张伟' }).waitFor({ timeout: 5000 });
      const caseForm = desktop.locator('.ant-modal').filter({ visible: true });
      // Saved empty, the form names what it needs and sends nothing (nor logs an error: last test).
      await desktop.getByTestId('case-save').click();
      await caseForm.getByText('请选择工单类型').waitFor({ timeout: 10_000 });
      await caseForm.getByText('请填写主题').waitFor({ timeout: 10_000 });
      await caseForm.getByRole('button', { name: /^取\s*消$/ }).click();
      // Gone from the page before it opens again, fresh (a human is slower than its closing motion).
      await desktop.getByTestId('case-form').waitFor({ state: 'detached', timeout: 10_000 });
      // Asked for less motion (every test page is), the dialog opened and closed without moving.
      assert.deepEqual(await motions(), []);
      await desktop.getByTestId('case-new').click();
      await pickOption(desktop, desktop.getByTestId('case-type'), '故障报修');
      await desktop.getByTestId('case-subject').fill('宽带断线');
      await desktop.getByTestId('case-description').fill('从昨晚起断网，灯不亮');
      await desktop.getByTestId('case-save').click();
      const notice = desktop.getByTestId('case-opened');
      await notice.waitFor({ timeout: 10_000 }).catch(async (failure: Error) => assert.fail(`${failure.message}\nthe case form showed: ${await caseForm.innerText().catch(() => '(none)')}`));
      const number = await notice.getAttribute('data-number');
      assert.match(number ?? '', /^\d{10}$/);
      await desktop.locator(`[data-testid=customer-cases] [data-testid=case-${number}]`).waitFor({ timeout: 5000 });
      await desktop.locator('.ant-modal').waitFor({ state: 'hidden', timeout: 5000 });
      await browser.shot(desktop, 'desktop-case-opened');
      const interactions = ((await admin.request('GET', '/interactions?state=connected')).json as { items: { id: string; caller: string }[] }).items;
      const answered = interactions.find((i) => i.caller === '13800138000');
      const linked = ((await admin.request('GET', `/cases?interaction_id=${answered?.id}`)).json as { items: Record<string, unknown>[] }).items;
      assert.deepEqual(
        linked.map((c) => [c.number, c.type, c.status, c.subject, c.caller, c.sipCallId, c.channel]),
        [[number, 'fault_report', 'open', '宽带断线', '13800138000', live!.sipCallId, 'voice']],
      );
      // [D2] A conference from the desk: 1003 joins the call, stays two seconds and hangs up; caller and agent talk on.
      const created = await admin.request('POST', '/agents', { username: '1003', displayName: '王五', password, extension: '1003', sipPassword: password, skills: {} });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const third = await agentPhone('1003', 2000);
      const events = await EventWatch.open(`${node.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: admin.cookie } });
      await desktop.getByPlaceholder('分机或号码').fill('1003');
      await desktop.getByTestId('conference-add').click();
      assert.equal((await third.run).code, 0, 'agent 1003 did not join the conference');
      third.peer.close();
      const conference = () => events.frames.filter((f) => f.type === 'call.conference' && f.data.party === '1003').map((f) => `${f.data.action} ${f.data.parties}`);
      for (let tries = 0; !conference().includes('left 2'); tries++) {
        assert.ok(tries < 100, `1003 did not leave the conference: ${JSON.stringify(conference())}\nthe node logged:\n${node.stdout.slice(-8000)}`);
        await delay(100);
      }
      events.close();
      assert.deepEqual(conference(), ['joined 3', 'left 2']);
      await desktop.getByPlaceholder('分机或号码').fill('1002');
      await desktop.getByRole('button', { name: /^转\s*接$/ }).click();
      // 1001's phone is released and 1002's rings and answers; 1002 then hangs up, and Kefu ends the caller's call.
      assert.equal((await first.run).code, 0, 'agent 1001 was not released by the transfer');
      assert.equal((await second.run).code, 0, 'agent 1002 did not get the transferred caller');
      await browser.shot(desktop, 'desktop-after-transfer');
      assert.equal((await caller).code, 0);
      // Routing hears of the call's end, not of the transfer: 1001's wrap-up starts when the call
      // ends, counting down on the desktop until the agent ends it.
      await desktop.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor({ timeout: 10_000 });
      await desktop.locator('[data-testid=wrap-up-left]').waitFor({ timeout: 5000 });
      await browser.shot(desktop, 'desktop-wrap-up');
      await desktop.getByRole('button', { name: '结束话后' }).click();
      await agentState(wallboard, '1001', 'ready').waitFor({ timeout: 5000 });
    } finally {
      first.peer.close();
      second.peer.close();
      callerPeer.close();
    }
    // The call's legs: the caller; 1001's desk phone, which answered, and 1001's desktop page, which
    // rang with it and was cancelled (routing rings every binding of the extension); 1003 in the
    // conference; and 1002 reached by the desktop's transfer.
    const main = await finishedCdr(node.url, admin.cookie, 'caller=13800138000&called=12345');
    let legs: Cdr[] = [];
    for (let tries = 0; legs.length < 5 && tries < 100; tries++) {
      legs = ((await admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] }).items;
      await delay(50);
    }
    assert.deepEqual(legs.map((row) => row.leg).sort(), ['callee', 'callee', 'callee', 'caller', 'transfer'], JSON.stringify(legs));
    assert.deepEqual(legs.filter((row) => row.leg === 'callee' && row.target === '1001').map((row) => row.sipStatus).sort(), [487, null], 'the desk phone answered, the page was cancelled');
    assert.ok(legs.some((row) => row.leg === 'callee' && row.target === '1003' && row.answeredAt !== null), JSON.stringify(legs));
  });

  it('no page logged a console error', () => {
    // Before logging in, the app asks who is logged in: that 401 is how it learns nobody is; the
    // admin's two 400s are the queue and the outside number refused on purpose above.
    const expected = (error: string) => error.endsWith('status of 401 (Unauthorized)') || error === 'admin: Failed to load resource: the server responded with a status of 400 (Bad Request)';
    assert.deepEqual(browser.errors.filter((error) => !expected(error)), []);
    assert.equal(browser.errors.filter((error) => error.includes('400')).length, 2, JSON.stringify(browser.errors));
  });
});
