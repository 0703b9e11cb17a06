/**
 * The agent desktop's own softphone in real Chromium (issue 7): the page registers the agent's
 * extension over SIP on WebSocket with its login cookie (no SIP password in the page, and no
 * other extension); a SIPp caller to the hotline who presses 0 rings the page with the
 * customer's name; the agent answers with Alt+A; each side hears the other's tone (the caller's
 * RTP peer finds the fake microphone's 1004 Hz, the page's AnalyserNode the caller's 600 Hz);
 * hold and resume through Kefu; Alt+H hangs up, and wrap-up follows. A second call survives a
 * reload of the page: Kefu holds the caller, calls the page back once it registers again, and
 * the audio comes back both ways; the time it takes is measured and printed. Reloaded again with
 * the caller on hold, the page comes back with them still held until it resumes. Screenshots are kept
 * (printed), at 1366×768 and once at 1920×1080.
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
import { sipRequest, SipClient } from '../helpers/sip-client.js';
import { logIn, TestBrowser } from './browser.js';
import { ivrScenario, type IvrStep } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, tuneQueue, type NodeApi } from './node-api.js';
import { fakeMicrophone, pageHears, watchPeerConnections } from './page-audio.js';
import { runSipp, type SippRun } from './sipp.js';

const password = 'demo-softphone-1';
const browserTone = 1004;
const callerTone = 600;

describe('[A4] the agent desktop is the phone: ring, answer, hear, hold, hang up, survive a reload', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let folder: string;
  let browser: TestBrowser;
  let admin: NodeApi;
  let desktop: Page;

  /**
   * A caller from 13800138000 (a demo customer) who presses 0 on the hotline, answers Kefu's hold
   * and resume re-INVITEs when `holds`, and waits for Kefu to hang up.
   */
  async function caller(holds = false): Promise<{ run: Promise<SippRun>; peer: RtpPeer }> {
    const steps: IvrStep[] = [{ pauseMs: 1000, keys: '0' }, ...(holds ? ([{ pauseMs: 0, reinvite: 'recvonly' }, { pauseMs: 0, reinvite: 'sendrecv' }] as const) : [])];
    const peer = await RtpPeer.open({ codec: 'PCMU', telephoneEventPayloadType: 96 });
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '150'],
      { 'scenario.xml': ivrScenario({ caller: '13800138000', steps, end: 'kefu' }), 'fields.csv': `SEQUENTIAL\n12345;${peer.port}\n` },
      160_000,
    );
    return { run, peer };
  }

  /** Plays the caller's tone to where Kefu sends the caller's audio from. */
  async function speak(peer: RtpPeer): Promise<void> {
    while (peer.sources.size === 0) await delay(20);
    peer.playBack(callerTone);
  }

  /** The strongest tone the caller heard in the last 2 s, once 2 s more have arrived. */
  async function callerHears(peer: RtpPeer): Promise<{ hz: number; dbfs: number }> {
    const until = peer.heard.length + 16_000;
    while (peer.heard.length < until) await delay(50);
    return dominantTone(peer.lastHeard(2000));
  }

  const softphone = (call: string) => desktop.locator(`[data-testid=softphone][data-call=${call}]`);
  /** Waits for the page to ring; failing, says what the node logged. */
  const rings = () =>
    softphone('ringing')
      .waitFor({ timeout: 30_000 })
      .catch((failure: Error) => assert.fail(`${failure.message}\nthe node logged:\n${node.stdout.slice(-6000)}`));
  const registered = () => desktop.locator('[data-testid=softphone-registration][data-registration=registered]').waitFor({ timeout: 20_000 });

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-desktop-softphone-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    await tuneQueue(admin, 'consultation', { overflowWhenUnstaffed: false, wrapUpSeconds: 60 });
    browser = await TestBrowser.launch('desktop-softphone', fakeMicrophone(folder, browserTone));
    desktop = await browser.page('desktop');
    await watchPeerConnections(desktop);
  });
  after(async () => {
    await browser?.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database?.drop();
  });

  it('a login registers its own extension without a SIP password, never another, and not from another site or once logged out', async () => {
    const agent = await nodeApi(node.url, 'demo', '1001', password);
    const url = `${node.url.replace('http', 'ws')}/sip`;
    const register = async (client: SipClient, user: string, cseq: number) => {
      client.send(sipRequest({ method: 'REGISTER', uri: 'sip:demo', transport: 'WS', user, domain: 'demo', callId: `vouched-${user}`, cseq, headers: ['Contact: <sip:x7@df7jal23ls0d.invalid;transport=ws>', 'Expires: 300'] }));
      return (await client.response()).status;
    };
    const own = await SipClient.webSocket(url, { headers: { cookie: agent.cookie, origin: node.url } });
    assert.equal(await register(own, '1002', 1), 403, 'a login may not register another agent\'s extension');
    assert.equal(await register(own, '1001', 2), 200, 'a login registers its own extension without a digest');
    // Another site's page sends the cookie too (cross-site WebSocket hijacking): it vouches for nobody.
    const foreign = await SipClient.webSocket(url, { headers: { cookie: agent.cookie, origin: 'http://elsewhere.example' } });
    assert.equal(await register(foreign, '1001', 1), 401);
    foreign.end();
    assert.equal((await agent.request('POST', '/auth/logout')).status < 300, true);
    assert.equal(await register(own, '1001', 3), 403, 'the login has ended');
    own.end();
  });

  it('a queued caller rings the page with the customer; Alt+A answers, both hear, hold and resume, mute, keys, Alt+H hangs up, wrap-up', async () => {
    await logIn(desktop, node.url, { tenant: 'demo', username: '1001', password, home: '/desktop' });
    await registered();
    await desktop.getByRole('button', { name: /签\s*入/ }).click();
    await desktop.locator('[data-testid=agent-state][data-state=ready]').waitFor({ timeout: 10_000 });
    await browser.shot(desktop, 'softphone-registered');

    const call = await caller(true);
    try {
      await rings();
      await desktop.locator('[data-testid=current-call] [data-testid=customer]', { hasText: '张伟' }).waitFor({ timeout: 10_000 });
      await browser.shot(desktop, 'softphone-ringing');
      await desktop.keyboard.press('Alt+KeyA');
      await softphone('talking').waitFor({ timeout: 15_000 });
      await speak(call.peer);
      const heard = await pageHears(desktop, callerTone, 20_000);
      process.stdout.write(`# the page heard ${heard.hz.toFixed(1)} Hz at ${heard.db.toFixed(1)} dB; ${JSON.stringify(heard)}\n`);
      assert.equal(heard.codec, 'audio/PCMU', 'PCMU end to end: no transcoding');
      assert.ok(heard.packetsReceived > 50 && heard.packetsSent > 50, JSON.stringify(heard));
      // An analyser bin is 48000 / 8192 ≈ 5.9 Hz wide.
      assert.ok(Math.abs(heard.hz - callerTone) <= 12 && heard.db > -60, `the page did not hear the caller: ${JSON.stringify(heard)}`);
      const tone = await callerHears(call.peer);
      process.stdout.write(`# the caller heard ${tone.hz} Hz at ${tone.dbfs.toFixed(1)} dBFS from the page\n`);
      assert.ok(Math.abs(tone.hz - browserTone) <= 8 && tone.dbfs > -30, `the caller did not hear the page: ${JSON.stringify(tone)}`);
      await browser.shot(desktop, 'softphone-talking');
      await desktop.setViewportSize({ width: 1920, height: 1080 });
      await browser.shot(desktop, 'softphone-talking-1920');
      await desktop.setViewportSize({ width: 1366, height: 768 });

      await desktop.getByTestId('softphone-hold').click();
      await desktop.getByTestId('softphone-hold').filter({ hasText: /恢\s*复/ }).waitFor({ timeout: 10_000 });
      const held = ((await admin.request('GET', '/calls')).json as { items: { caller: string; held: boolean }[] }).items.find((c) => c.caller === '13800138000');
      assert.equal(held?.held, true, JSON.stringify(held));
      await browser.shot(desktop, 'softphone-held');
      await desktop.getByTestId('softphone-hold').click();
      await desktop.getByTestId('softphone-hold').filter({ hasText: /保\s*持/ }).waitFor({ timeout: 10_000 });

      // Muted, the caller hears nothing of the page; unmuted, the page again.
      await desktop.getByTestId('softphone-mute').click();
      await delay(500);
      const muted = await callerHears(call.peer);
      assert.ok(muted.dbfs < -45, `the caller still heard the muted page: ${JSON.stringify(muted)}`);
      await desktop.getByTestId('softphone-mute').click();
      await delay(500);
      const unmuted = await callerHears(call.peer);
      assert.ok(Math.abs(unmuted.hz - browserTone) <= 8 && unmuted.dbfs > -30, `the caller did not hear the page unmuted: ${JSON.stringify(unmuted)}`);
      // Keys from the page's keypad reach the caller as RFC 4733 events.
      await desktop.getByTestId('softphone-keypad-open').click();
      await desktop.getByTestId('key-5').click();
      await desktop.getByTestId('key-#').click();
      for (let tries = 0; call.peer.digits.join('') !== '5#'; tries++) {
        assert.ok(tries < 100, `the caller got keys ${JSON.stringify(call.peer.digits)}`);
        await delay(100);
      }
      await desktop.keyboard.press('Escape');

      await desktop.keyboard.press('Alt+KeyH');
      await softphone('idle').waitFor({ timeout: 10_000 });
      const result = await call.run;
      assert.equal(result.code, 0, `the caller was not released: ${result.errors}`);
      await desktop.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor({ timeout: 10_000 });
      await browser.shot(desktop, 'softphone-wrap-up');
      await desktop.getByRole('button', { name: '结束话后' }).click();
      await desktop.locator('[data-testid=agent-state][data-state=ready]').waitFor({ timeout: 10_000 });
    } finally {
      call.peer.close();
    }
  });

  it('a reload of the page mid-call keeps the call, and the audio comes back both ways; reloaded on hold, the caller stays held until resumed', async () => {
    const call = await caller(true);
    try {
      await rings();
      await desktop.getByTestId('softphone-answer').click();
      await softphone('talking').waitFor({ timeout: 15_000 });
      await speak(call.peer);
      const before = await pageHears(desktop, callerTone, 20_000);
      assert.ok(Math.abs(before.hz - callerTone) <= 12 && before.db > -60, `the page did not hear the caller: ${JSON.stringify(before)}`);

      const reloading = Date.now();
      await desktop.reload();
      const heard = await pageHears(desktop, callerTone, 30_000, 10);
      const pageResumedMs = (heard.firstHeardAt ?? Number.POSITIVE_INFINITY) - reloading;
      await call.peer.untilTone(browserTone, 30_000);
      const callerResumedMs = Date.now() - reloading;
      process.stdout.write(node.stdout.split('\n').filter((line) => /page|REGISTER|WebSocket/.test(line)).slice(-10).map((line) => `# ${line}\n`).join(''));
      const navigation = (url: string) => ({ started: performance.timeOrigin, loadedMs: (performance.getEntriesByName(url)[0] as unknown as { loadEventEnd: number }).loadEventEnd });
      const loaded = await desktop.evaluate(navigation, desktop.url());
      const at = (ms: number | null) => new Date(ms ?? 0).toISOString();
      process.stdout.write(`# reloaded at ${at(reloading)}; the page loaded at ${at(loaded.started + loaded.loadedMs)}, was called back at ${at(heard.createdAt)}, first heard the caller at ${at(heard.firstHeardAt)}\n`);
      process.stdout.write(`# after the reload the page heard the caller again in ${pageResumedMs} ms, the caller heard the page in ${callerResumedMs} ms; ${JSON.stringify(heard)}\n`);
      assert.ok(Math.abs(heard.hz - callerTone) <= 12 && heard.db > -60, `the page did not hear the caller after the reload: ${JSON.stringify(heard)}`);
      // How soon is measured and printed above (about 2 s here on a quiet machine), not asserted:
      // tests check behaviour, benchmarks time it (DESIGN.md); the call must survive and sound again.
      assert.ok(heard.firstHeardAt !== null && heard.firstHeardAt > reloading, `the page never heard the caller after the reload: ${JSON.stringify(heard)}`);
      await softphone('talking').waitFor({ timeout: 5000 });
      await desktop.locator('[data-testid=agent-state][data-state=busy]').waitFor({ timeout: 10_000 });
      await browser.shot(desktop, 'softphone-after-reload');
      const tone = await callerHears(call.peer);
      assert.ok(Math.abs(tone.hz - browserTone) <= 8 && tone.dbfs > -30, `the caller did not hear the page after the reload: ${JSON.stringify(tone)}`);

      // [D2] Reloaded with the caller on hold: the page says it waits for the call, comes back
      // with the caller still held (hearing hold music, not the page) and resumes them.
      await desktop.getByTestId('softphone-hold').click();
      await desktop.getByTestId('softphone-hold').filter({ hasText: /恢\s*复/ }).waitFor({ timeout: 10_000 });
      await desktop.reload();
      await desktop.locator('[data-testid=softphone-recall][data-recall=waiting]').waitFor({ timeout: 10_000 });
      await softphone('talking').waitFor({ timeout: 30_000 });
      await desktop.getByTestId('softphone-hold').filter({ hasText: /恢\s*复/ }).waitFor({ timeout: 10_000 });
      await browser.shot(desktop, 'softphone-held-after-reload');
      const held = await callerHears(call.peer);
      process.stdout.write(`# the held caller heard ${held.hz} Hz at ${held.dbfs.toFixed(1)} dBFS after the page came back\n`);
      assert.ok(Math.abs(held.hz - browserTone) > 8 || held.dbfs < -30, `the caller, on hold, heard the page once it came back: ${JSON.stringify(held)}`);
      await desktop.getByTestId('softphone-hold').click();
      await desktop.getByTestId('softphone-hold').filter({ hasText: /保\s*持/ }).waitFor({ timeout: 10_000 });
      await delay(500);
      const resumed = await callerHears(call.peer);
      assert.ok(Math.abs(resumed.hz - browserTone) <= 8 && resumed.dbfs > -30, `the caller did not hear the page once resumed: ${JSON.stringify(resumed)}`);

      await desktop.getByTestId('softphone-hangup').click();
      const result = await call.run;
      assert.equal(result.code, 0, `the call was dropped or not released: ${result.errors}`);
      await desktop.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor({ timeout: 10_000 });
    } finally {
      call.peer.close();
    }
  });

  it('no page logged a console error', () => {
    // Before logging in, the app asks who is logged in: that 401 is how it learns nobody is.
    assert.deepEqual(browser.errors.filter((error) => !error.endsWith('status of 401 (Unauthorized)')), []);
  });
});
