/**
 * A transfer from one agent's page to another's, in real Chromium (one browser, a context per
 * agent, both fake microphones playing 1004 Hz): a SIPp caller to the hotline presses 0 and agent
 * 1001 answers on the desktop; 1001 holds, then picks 1002 from the transfer directory and
 * transfers (the desktop takes the caller off hold first); 1001's card then says the call went to 1002. 1002's page rings with the customer's card (a ring no queue offered: the card comes
 * from the calling number), 1002 answers, and the caller and 1002's page hear each other (600 Hz
 * one way, 1004 Hz the other; by then 1001's page has hung up, so the 1004 Hz the caller hears is
 * 1002's). 1001 is in wrap-up at once and files the wrap-up form; 1002 hangs up, files theirs and
 * opens a case for the caller; the interaction's timeline has the transfer, both wrap-ups and the
 * case. Then 1001 consults 1002 about a second call and reloads the page mid-consultation, and
 * again in a conference with 1002: each time the page says it waits, is called back, shows the
 * consultation or the conference, and hears; the caller stays on. A page that leaves mid-consultation
 * and stays away leaves the caller with 1002, and says so once back. Screenshots are kept (printed).
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
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { logIn, pickOption, TestBrowser } from './browser.js';
import { finishedCdr } from './cdr.js';
import { ivrScenario, type IvrStep } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, tuneQueue, type NodeApi } from './node-api.js';
import { fakeMicrophone, pageHears, pageLevels, watchPeerConnections } from './page-audio.js';
import { runSipp, type SippRun } from './sipp.js';

const password = 'demo-desktop-transfer-1';
const browserTone = 1004;
const callerTone = 600;

interface Timeline {
  id: string;
  agentId: string | null;
  timeline: { kind: string; agentId: string | null; detail: Record<string, unknown> }[];
}

describe('[A4][D2] a caller transferred from one agent\'s page to another\'s, heard both ways, wrapped up by both', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let folder: string;
  let browser: TestBrowser;
  let admin: NodeApi;
  let first: Page;
  let second: Page;

  const softphone = (page: Page, call: string) => page.locator(`[data-testid=softphone][data-call=${call}]`);
  /** Waits for the page to show the agent in `state`; failing, says what the API has for every agent. */
  const agentState = (page: Page, state: string) =>
    page
      .locator(`[data-testid=agent-state][data-state=${state}]`)
      .waitFor({ timeout: 15_000 })
      .catch(async (failure: Error) => assert.fail(`${failure.message}\nthe agents now: ${JSON.stringify((await admin.request('GET', '/agent-states/now')).json)}`));
  const withLog = (failure: Error) => assert.fail(`${failure.message}\nthe node logged:\n${node.stdout.slice(-6000)}`);

  /** Opens the desktop of `username` with its softphone registered. */
  async function desk(page: Page, username: string): Promise<void> {
    await logIn(page, node.url, { tenant: 'demo', username, password, home: '/desktop' });
    await page.locator('[data-testid=softphone-registration][data-registration=registered]').waitFor({ timeout: 20_000 });
  }

  /**
   * Picks `label` in the transfer directory and waits for the transfer button to take it; picked
   * again if a re-render of the card (an event re-reading the call) swallowed the pick.
   */
  async function pickColleague(page: Page, label: string): Promise<void> {
    for (let tries = 0; tries < 3; tries++) {
      await page.getByTestId('transfer-directory').click();
      await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: label }).filter({ visible: true }).click();
      for (let waited = 0; waited < 2000; waited += 100) {
        if (await page.getByTestId('transfer-go').isEnabled()) return;
        await delay(100);
      }
    }
    throw new Error(`the transfer directory did not take ${label}`);
  }

  /**
   * A caller from 13800138000 (张伟, a demo customer) who presses 0 for the queue, then takes
   * `steps`, and waits for Kefu's BYE; SIPp gives up after `timeoutS` seconds.
   */
  async function queueCaller(steps: IvrStep[], timeoutS: number): Promise<{ peer: RtpPeer; run: Promise<SippRun> }> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', String(timeoutS)],
      {
        'scenario.xml': ivrScenario({ caller: '13800138000', steps: [{ pauseMs: 1000, keys: '0' }, ...steps], end: 'kefu', kefuByeWithinMs: (timeoutS - 30) * 1000 }),
        'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n`,
      },
      (timeoutS + 10) * 1000,
    );
    return { peer, run };
  }

  /** 1001's page answers the caller, who then talks (`callerTone`). */
  async function answerCaller(peer: RtpPeer): Promise<void> {
    await softphone(first, 'ringing').waitFor({ timeout: 30_000 }).catch(withLog);
    await first.getByTestId('softphone-answer').click();
    await softphone(first, 'talking').waitFor({ timeout: 15_000 });
    while (peer.sources.size === 0) await delay(20);
    peer.playBack(callerTone);
  }

  /** 1001 consults 1002 from the directory; 1002's page answers. */
  async function consultSecond(): Promise<void> {
    await pickColleague(first, '1002');
    await first.getByText('咨询转').click();
    await first.getByTestId('transfer-go').click();
    await softphone(second, 'ringing').waitFor({ timeout: 30_000 }).catch(withLog);
    await second.getByTestId('softphone-answer').click();
    await softphone(second, 'talking').waitFor({ timeout: 15_000 });
    await first.locator('[data-testid=call-mode][data-mode=consulting]', { hasText: '1002' }).waitFor({ timeout: 10_000 });
  }

  /** Files the wrap-up form with `disposition` (its label) and a note; waits until it is saved. */
  async function wrapUp(page: Page, disposition: string, note: string): Promise<void> {
    await page.getByTestId('wrap-up-form').waitFor({ timeout: 10_000 });
    await pickOption(page, page.getByTestId('wrap-up-disposition'), disposition);
    await page.getByTestId('wrap-up-note').fill(note);
    await page.getByTestId('wrap-up-save').click();
    await page.getByTestId('wrap-up-saved').waitFor({ timeout: 10_000 });
  }

  /** Ends the page's wrap-up, if it is in one. */
  async function endWrapUp(page: Page): Promise<void> {
    if ((await page.locator('[data-testid=agent-state][data-state=wrap_up]').count()) > 0) await page.getByRole('button', { name: /结束话后/ }).click();
    await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor({ state: 'detached', timeout: 10_000 });
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-desktop-transfer-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await tuneQueue(admin, 'consultation', { overflowWhenUnstaffed: false, wrapUpSeconds: 120 });
    browser = await TestBrowser.launch('desktop-transfer', fakeMicrophone(folder, browserTone));
    first = await browser.page('agent-1001');
    second = await browser.page('agent-1002');
    await watchPeerConnections(first);
    await watchPeerConnections(second);
  });
  after(async () => {
    await browser?.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database?.drop();
  });

  it('1001 answers, holds, transfers to 1002 from the directory; 1002 rings with the customer, answers, both hear; both wrap up, 1002 opening a case', async () => {
    await desk(first, '1001');
    await desk(second, '1002');
    await first.getByRole('button', { name: /签\s*入/ }).click();
    await agentState(first, 'ready');

    // The caller from 13800138000 (张伟, a demo customer) presses 0, answers the hold and the resume, and waits for Kefu's BYE.
    const { peer, run } = await queueCaller([{ pauseMs: 0, reinvite: 'recvonly' }, { pauseMs: 0, reinvite: 'sendrecv' }], 170);
    try {
      await answerCaller(peer);
      const firstHeard = await pageHears(first, callerTone, 20_000);
      assert.ok(Math.abs(firstHeard.hz - callerTone) <= 12 && firstHeard.db > -60, `1001 did not hear the caller: ${JSON.stringify(firstHeard)}`);

      await first.getByTestId('softphone-hold').click();
      await first.getByTestId('softphone-hold').filter({ hasText: /恢\s*复/ }).waitFor({ timeout: 10_000 });
      await browser.shot(first, 'transfer-1001-held');

      await second.getByRole('button', { name: /签\s*入/ }).click();
      await agentState(second, 'ready');
      await pickColleague(first, '1002');
      await browser.shot(first, 'transfer-1001-directory');
      // The API answers once 1002 has answered: the click is not waited on.
      // The caller is still on hold: the desktop takes them off it, then transfers.
      await first.getByTestId('transfer-go').click();

      await softphone(second, 'ringing').waitFor({ timeout: 30_000 }).catch(withLog);
      await second.locator('[data-testid=current-call] [data-testid=customer]', { hasText: '张伟' }).waitFor({ timeout: 10_000 });
      await browser.shot(second, 'transfer-1002-ringing');
      await second.getByTestId('softphone-answer').click();
      await softphone(second, 'talking').waitFor({ timeout: 15_000 });
      await softphone(first, 'idle').waitFor({ timeout: 15_000 });
      await agentState(first, 'wrap_up');
      await agentState(second, 'busy');
      // [D2] The call is no longer 1001's: its card says it went to 1002, with no transfer left to make.
      await first.locator('[data-testid=call-phase][data-phase=transferred]', { hasText: '1002' }).waitFor({ timeout: 10_000 });
      assert.equal(await first.getByTestId('transfer-go').count(), 0, '1001 can still transfer a call that is no longer theirs');
      await second.locator('[data-testid=call-phase][data-phase=connected]').waitFor({ timeout: 10_000 });

      const heard = await pageHears(second, callerTone, 20_000);
      process.stdout.write(`# 1002's page heard ${heard.hz.toFixed(1)} Hz at ${heard.db.toFixed(1)} dB; ${JSON.stringify(heard)}\n`);
      assert.equal(heard.codec, 'audio/PCMU', 'PCMU end to end: no transcoding');
      assert.ok(Math.abs(heard.hz - callerTone) <= 12 && heard.db > -60, `1002 did not hear the caller: ${JSON.stringify(heard)}`);
      // Two seconds of what the caller heard since 1001's page hung up: 1002's microphone.
      const until = peer.heard.length + 16_000;
      while (peer.heard.length < until) await delay(50);
      const tone = dominantTone(peer.lastHeard(2000));
      process.stdout.write(`# the caller heard ${tone.hz} Hz at ${tone.dbfs.toFixed(1)} dBFS from 1002's page\n`);
      assert.ok(Math.abs(tone.hz - browserTone) <= 8 && tone.dbfs > -30, `the caller did not hear 1002: ${JSON.stringify(tone)}`);
      await second.locator('[data-testid=current-call] [data-testid=customer]', { hasText: '张伟' }).waitFor({ timeout: 10_000 });
      await browser.shot(second, 'transfer-1002-talking');

      await wrapUp(first, '已转接', '转给陈静处理');
      await browser.shot(first, 'transfer-1001-wrap-up');

      await second.getByTestId('softphone-hangup').click();
      const result = await run;
      assert.equal(result.code, 0, `the caller was not released: ${result.errors}`);
      await agentState(second, 'wrap_up');
      await wrapUp(second, '已解决', '已答复');
      // [G2] In the wrap-up, 1002 opens a case for the caller: its number shows on the card.
      await second.getByTestId('case-new').click();
      await pickOption(second, second.getByTestId('case-type'), '业务受理');
      await second.getByTestId('case-subject').fill('开通国际漫游');
      await second.getByTestId('case-save').click();
      const number = await second.getByTestId('case-opened').getAttribute('data-number', { timeout: 10_000 });
      await second.locator(`[data-testid=customer-cases] [data-testid=case-${number}]`).waitFor({ timeout: 5000 });
      await second.locator('.ant-modal').waitFor({ state: 'hidden', timeout: 5000 });
      await browser.shot(second, 'transfer-1002-wrap-up');

      const items = ((await admin.request('GET', '/interactions?limit=10')).json as { items: { id: string; caller: string }[] }).items;
      const id = items.find((i) => i.caller === '13800138000')?.id;
      assert.ok(id !== undefined, JSON.stringify(items));
      const { timeline } = (await admin.request('GET', `/interactions/${id}`)).json as unknown as Timeline;
      const kinds = timeline.map((entry) => entry.kind);
      assert.ok(kinds.includes('transferred'), JSON.stringify(kinds));
      const wrapUps = timeline.filter((entry) => entry.kind === 'wrapped_up').map((entry) => entry.detail.disposition);
      assert.deepEqual(wrapUps, ['transferred', 'resolved'], JSON.stringify(timeline));
      const opened = timeline.filter((entry) => entry.kind === 'case_opened').map((entry) => [entry.detail.number, entry.detail.type, entry.detail.by]);
      assert.deepEqual(opened, [[number, 'service_order', '1002']], JSON.stringify(timeline));
      // [D2] 1001's recent calls keep the one they answered and transferred on, shown as transferred.
      await first.reload();
      await first.locator(`[data-row-key="${id}"]`, { hasText: '已转出' }).waitFor({ timeout: 10_000 });
    } finally {
      peer.close();
    }
  });

  it('[E2] 1001\'s page dials 1002: 1002\'s page rings and answers, hears 1001, and the call ends when 1001 hangs up', async () => {
    await first.getByTestId('softphone-number').fill('1002');
    await first.getByTestId('softphone-dial').click();
    await softphone(second, 'ringing').waitFor({ timeout: 20_000 }).catch(withLog);
    await second.getByTestId('softphone-answer').click();
    await softphone(second, 'talking').waitFor({ timeout: 15_000 });
    await softphone(first, 'talking').waitFor({ timeout: 15_000 });
    // Both pages' microphones play the same tone: 1002's page hears 1001's.
    const heard = await pageHears(second, browserTone, 20_000);
    assert.ok(Math.abs(heard.hz - browserTone) <= 12 && heard.db > -60, `1002 did not hear 1001: ${JSON.stringify(heard)}`);
    await browser.shot(first, 'dial-1001-talking');
    await first.getByTestId('softphone-hangup').click();
    await softphone(second, 'idle').waitFor({ timeout: 15_000 });
    await softphone(first, 'idle').waitFor({ timeout: 15_000 });
    const cdr = await finishedCdr(node.url, admin.cookie, 'caller=1001&called=1002');
    assert.ok(cdr.answeredAt !== null, JSON.stringify(cdr));
  });

  it('[D2] 1001\'s page reloaded while consulting 1002, and again in a conference with 1002, comes back where it was and hears; the caller stays on', async () => {
    // The caller is 1001's: 1002 takes no queue call meanwhile.
    await endWrapUp(second);
    await second.getByRole('button', { name: /未就绪/ }).click();
    await second.locator('.ant-dropdown-menu-item').filter({ visible: true }).first().click();
    await agentState(second, 'not_ready');
    await endWrapUp(first);
    await agentState(first, 'ready');

    const { peer, run } = await queueCaller([], 230);
    /** Reloads 1001's page: it says it waits for the call, is called back and talks again. */
    const reload = async (what: string) => {
      await first.reload();
      await first.locator('[data-testid=softphone-recall][data-recall=waiting]').waitFor({ timeout: 10_000 });
      await browser.shot(first, `reload-${what}-waiting`);
      await softphone(first, 'talking').waitFor({ timeout: 30_000 }).catch(withLog);
      assert.equal(await first.getByTestId('softphone-recall').count(), 0, 'the page still says it waits for the call');
    };
    try {
      await answerCaller(peer);
      // An attended transfer: 1002 answers the consultation, the caller hears hold music.
      await consultSecond();

      await reload('consulting');
      // Back consulting: the transfer can be completed or cancelled, and 1001 hears 1002 (both microphones play 1004 Hz).
      await first.locator('[data-testid=call-mode][data-mode=consulting]', { hasText: '1002' }).waitFor({ timeout: 10_000 });
      await first.getByTestId('transfer-cancel').waitFor({ timeout: 5000 });
      const consulted = await pageHears(first, browserTone, 20_000);
      assert.ok(Math.abs(consulted.hz - browserTone) <= 12 && consulted.db > -60, `1001 did not hear 1002 after the reload: ${JSON.stringify(consulted)}`);
      await browser.shot(first, 'reload-consulting-back');
      assert.equal(await softphone(second, 'talking').count(), 1, '1002 left the consultation');

      // Cancelled: the caller is back with 1001, 1002 released.
      await first.getByTestId('transfer-cancel').click();
      await softphone(second, 'idle').waitFor({ timeout: 15_000 });
      const back = await pageHears(first, callerTone, 20_000);
      assert.ok(Math.abs(back.hz - callerTone) <= 12 && back.db > -60, `1001 did not hear the caller after the consultation: ${JSON.stringify(back)}`);

      // A conference: 1002 joins; 1001's page reloads and comes back in it, hearing the caller and 1002 at once.
      await pickColleague(first, '1002');
      await first.getByTestId('conference-add').click();
      await softphone(second, 'ringing').waitFor({ timeout: 30_000 }).catch(withLog);
      await second.getByTestId('softphone-answer').click();
      await softphone(second, 'talking').waitFor({ timeout: 15_000 });
      await first.locator('[data-testid=call-mode][data-mode=conference]').waitFor({ timeout: 10_000 });

      await reload('conference');
      await first.locator('[data-testid=call-mode][data-mode=conference]').waitFor({ timeout: 10_000 });
      let levels: number[] = [];
      for (const until = Date.now() + 30_000; Date.now() < until; await delay(100)) {
        levels = await pageLevels(first, [callerTone, browserTone]);
        if (levels.every((db) => db > -50)) break;
      }
      assert.ok(levels.every((db) => db > -50), `1001 does not hear both the caller and 1002 after the reload: ${JSON.stringify(levels)}`);
      await browser.shot(first, 'reload-conference-back');
      assert.equal(await softphone(second, 'talking').count(), 1, '1002 left the conference');

      // 1001 leaves: the caller stays with 1002, and is released when 1002 hangs up.
      await first.getByTestId('softphone-hangup').click();
      await softphone(first, 'idle').waitFor({ timeout: 15_000 });
      const stays = await pageHears(second, callerTone, 20_000);
      assert.ok(Math.abs(stays.hz - callerTone) <= 12 && stays.db > -60, `1002 does not hear the caller once 1001 left: ${JSON.stringify(stays)}`);
      await second.getByTestId('softphone-hangup').click();
      const result = await run;
      assert.equal(result.code, 0, `the caller was not released: ${result.errors}`);
    } finally {
      peer.close();
    }
  });

  it('[D2] 1001\'s page leaves mid-consultation and does not come back: the caller goes to 1002; back later, the page says the call was not brought back', async () => {
    // 1001 left the last call's conference: its wrap-up of that call ends first.
    await agentState(first, 'wrap_up');
    await endWrapUp(first);
    await agentState(first, 'ready');
    const { peer, run } = await queueCaller([], 230);
    try {
      await answerCaller(peer);
      await consultSecond();

      // The page goes away for longer than Kefu waits (30 s): the consultation completes, 1002 has the caller.
      const left = Date.now();
      await first.goto('about:blank');
      const heard = await pageHears(second, callerTone, 60_000);
      process.stdout.write(`# 1002 heard the caller ${((Date.now() - left) / 1000).toFixed(1)} s after 1001's page left: ${JSON.stringify(heard)}\n`);
      assert.ok(Math.abs(heard.hz - callerTone) <= 12 && heard.db > -60, `1002 did not get the caller: ${JSON.stringify(heard)}`);

      // Back on the desk in the same tab: it waits for the call, then says it was not brought back; the card says where it went.
      await first.goto(`${node.url}/desktop`);
      await first.locator('[data-testid=softphone-recall][data-recall=waiting]').waitFor({ timeout: 20_000 });
      await first.locator('[data-testid=call-phase][data-phase=transferred]', { hasText: '1002' }).waitFor({ timeout: 10_000 });
      await first.locator('[data-testid=softphone-recall][data-recall=failed]').waitFor({ timeout: 45_000 });
      await browser.shot(first, 'left-not-brought-back');

      await second.getByTestId('softphone-hangup').click();
      const result = await run;
      assert.equal(result.code, 0, `the caller was not released: ${result.errors}`);
    } finally {
      peer.close();
    }
  });

  it('no page logged a console error', () => {
    // Before logging in, the app asks who is logged in: that 401 is how it learns nobody is.
    assert.deepEqual(browser.errors.filter((error) => !error.endsWith('status of 401 (Unauthorized)')), []);
  });
});
