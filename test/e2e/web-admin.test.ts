/**
 * The admin console in real Chromium: a three-node flow built in the graphical editor (say →
 * gather → hangup), its problems pinned to the node they name, published, bound to a number and
 * called by SIPp, which hears it run (the call's CDR trace); a second version and a rollback
 * from the version history; and the platform administrator's tenants page (create, disable).
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
import { finishedCdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { runSipp } from './sipp.js';

const password = 'demo-web-admin-1';
const platformPassword = 'platform-web-admin-1';

describe('[B11][K1] the admin console: the graphical flow editor, the tenants page', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let folder: string;
  let browser: TestBrowser;
  let admin: NodeApi;
  let page: Page;

  /** Adds a node of `type` from the toolbar; the editor selects it. */
  async function addNode(type: string, id: string): Promise<void> {
    await page.getByTestId('node-type').click();
    await page.keyboard.type(type);
    await page.locator('.ant-select-item-option-active', { hasText: new RegExp(`^${type}$`) }).waitFor({ timeout: 5000 });
    await page.keyboard.press('Enter');
    await page.getByTestId('add-node').click();
    await page.getByTestId(`node-${id}`).waitFor({ timeout: 10_000 });
    await page.getByTestId('node-panel').filter({ hasText: `${id} · ${type}` }).waitFor({ timeout: 10_000 });
  }

  /** Drags from exit `exit` of node `from` to node `to`, and waits for the edge. */
  async function link(from: string, exit: string, to: string): Promise<void> {
    const centre = async (testId: string) => {
      const box = (await page.getByTestId(testId).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const start = await centre(`handle-${from}-${exit}`);
    const end = await centre(`target-${to}`);
    // In steps, as a hand moves: the canvas follows the pointer to find the handle it ends on.
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 12 });
    await page.mouse.up();
    await page
      .getByTestId(`rf__edge-${from}:${exit}`)
      .waitFor({ timeout: 10_000 })
      .catch(async (failure: Error) => assert.fail(`${failure.message}: see ${await browser.shot(page, `no-edge-${from}-${exit}`)}`));
  }

  /** Calls number 12388 from SIPp; Kefu runs the flow and hangs up. */
  async function call(): Promise<void> {
    const run = await runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138401', steps: [], end: 'kefu' }), 'fields.csv': `SEQUENTIAL\n12388;${await freePort()}\n` },
      90_000,
    );
    assert.equal(run.code, 0, `${run.errors}\n${node.stdout.slice(-2000)}`);
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-web-admin-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_ADMIN_PASSWORD: platformPassword }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    browser = await TestBrowser.launch('web-admin');
    page = await browser.page('editor');
    await logIn(page, node.url, { tenant: 'demo', username: 'admin', password, home: '/wallboard' });
  });
  after(async () => {
    await browser?.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database?.drop();
  });

  it('[B11] a flow built in the editor, its problem pinned to its node, published and called: it runs', async () => {
    await page.getByRole('menuitem', { name: '流程' }).click();
    await page.getByTestId('new-flow').click();
    await page.getByTestId('flow-name').fill('web-editor');
    await addNode('say', 'say1');
    await page.locator('#field-text').fill('hello from the editor');
    await addNode('gather', 'gather1');
    await page.locator('#field-timeout').fill('2');
    await page.locator('#field-retries').fill('0');
    await addNode('hangup', 'hangup1');
    await link('say1', 'next', 'gather1');

    // The gather node has no exits yet: the server's problems are pinned to it.
    await page.getByTestId('validate').click();
    await page.locator('[data-testid=node-gather1] [data-testid=node-problem]').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid=node-say1] [data-testid=node-problem]').count(), 0);
    await browser.shot(page, 'flow-problem-pinned');

    await link('gather1', 'done', 'hangup1');
    await link('gather1', 'fail', 'hangup1');
    await page.getByTestId('validate').click();
    await page.locator('[data-testid=node-gather1][data-problems="0"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('publish').click();
    await page.locator('.ant-card-head .ant-tag', { hasText: 'v1' }).waitFor({ timeout: 15_000 });
    await browser.shot(page, 'flow-published');

    const flow = ((await admin.request('GET', '/flows?q=web-editor')).json.items as { id: string; liveVersion: number; draft: { start: string; nodes: Record<string, { type: string; exits?: Record<string, string> }> } }[])[0]!;
    assert.equal(flow.liveVersion, 1);
    assert.equal(flow.draft.start, 'say1');
    assert.deepEqual(
      Object.fromEntries(Object.entries(flow.draft.nodes).map(([id, n]) => [id, [n.type, n.exits ?? {}]])),
      { say1: ['say', { next: 'gather1' }], gather1: ['gather', { done: 'hangup1', fail: 'hangup1' }], hangup1: ['hangup', {}] },
    );
    const number = await admin.request('POST', '/numbers', { number: '12388', kind: 'direct', bindings: [{ service: 'web', flow: 'web-editor' }] });
    assert.equal(number.status, 201, JSON.stringify(number.json));
    await call();
    const cdr = await finishedCdr(node.url, admin.cookie, 'called=12388');
    assert.equal(cdr.flowVersion, 1);
    assert.deepEqual(cdr.trace.filter((e) => e.event === 'said').map((e) => e.text), ['hello from the editor', '请输入号码，以井号键结束。'], JSON.stringify(cdr.trace));
  });

  it('[B11] the saved flow opens on the canvas; version 2 published, then version 1 made live again from the history', async () => {
    await page.getByRole('button', { name: '返回列表' }).click();
    await page.getByTestId('edit-web-editor').click();
    for (const edge of ['say1:next', 'gather1:done', 'gather1:fail']) await page.getByTestId(`rf__edge-${edge}`).waitFor({ timeout: 10_000 });
    await browser.shot(page, 'flow-opened');
    await page.getByTestId('node-say1').click();
    await page.locator('#field-text').fill('version two');
    await page.getByTestId('publish').click();
    await page.locator('.ant-card-head .ant-tag', { hasText: 'v2' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('versions').click();
    await page.getByTestId('version-2').waitFor({ timeout: 10_000 });
    await browser.shot(page, 'flow-versions');
    await page.locator('[data-testid=version-1] [data-testid=rollback]').click();
    await page.locator('.ant-card-head .ant-tag', { hasText: 'v1' }).waitFor({ timeout: 15_000 });
    const flow = ((await admin.request('GET', '/flows?q=web-editor')).json.items as { liveVersion: number }[])[0]!;
    assert.equal(flow.liveVersion, 1);
    await call();
    const cdr = await finishedCdr(node.url, admin.cookie, 'called=12388');
    assert.equal(cdr.flowVersion, 1);
    assert.equal(cdr.trace.find((e) => e.event === 'said')?.text, 'hello from the editor');
  });

  it('[B11] where the nodes were dragged is saved with the flow and is where they are after a reload', async () => {
    const hangup = page.locator('.react-flow__node[data-id="hangup1"]');
    /** The node's place on the canvas (flow coordinates: xyflow's translate of the node). */
    const placeOf = async () => {
      const [, x, y] = /translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(await hangup.evaluate((element) => (element as unknown as { style: { transform: string } }).style.transform))!;
      return { x: Number(x), y: Number(y) };
    };
    const before = await placeOf();
    const box = (await hangup.boundingBox())!;
    // In steps, as a hand moves, by the node's title (not an exit handle).
    await page.mouse.move(box.x + 20, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + 20, box.y + 170, { steps: 10 });
    await page.mouse.up();
    const dragged = await placeOf();
    assert.ok(dragged.y - before.y > 50, `the node did not move: ${JSON.stringify({ before, dragged })}`);
    await page.getByTestId('save').click();
    const saved = async () => ((await admin.request('GET', '/flows?q=web-editor')).json.items as { draft: { layout?: Record<string, { x: number; y: number }> } }[])[0]!.draft.layout?.hangup1;
    for (let tries = 0; (await saved())?.y !== Math.round(dragged.y); tries++) {
      assert.ok(tries < 100, `the draft's layout is ${JSON.stringify(await saved())}, not ${JSON.stringify(dragged)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await page.reload();
    await page.getByTestId('edit-web-editor').click();
    await hangup.waitFor({ timeout: 10_000 });
    assert.deepEqual(await placeOf(), { x: Math.round(dragged.x), y: Math.round(dragged.y) });
    await browser.shot(page, 'flow-layout-after-reload');
  });

  it('[K1] the platform administrator creates a tenant and disables it; its administrator can no longer log in', async () => {
    const platform = await browser.page('platform', 1920, 1080);
    await logIn(platform, node.url, { tenant: 'platform', username: 'admin', password: platformPassword, home: '/wallboard' });
    await platform.getByRole('menuitem', { name: '租户' }).click();
    await platform.locator('td', { hasText: 'demo' }).first().waitFor({ timeout: 10_000 });
    await platform.getByTestId('create').click();
    await platform.locator('#tenants_slug').fill('web-shop');
    await platform.locator('#tenants_name').fill('网店');
    await platform.locator('#tenants_nameEn').fill('Web shop');
    await platform.locator('#tenants_admin_username').fill('boss');
    await platform.locator('#tenants_admin_displayName').fill('Boss');
    await platform.locator('#tenants_admin_password').fill('web-shop-boss-1');
    await platform.locator('.ant-modal-footer .ant-btn-primary').click();
    const shop = platform.locator('tr', { hasText: 'web-shop' });
    await shop.waitFor({ timeout: 10_000 });
    await nodeApi(node.url, 'web-shop', 'boss', 'web-shop-boss-1');

    await shop.getByRole('button', { name: /编\s*辑/ }).click();
    await platform.locator('#tenants_status').click();
    await platform.locator('.ant-select-item-option', { hasText: 'suspended' }).click();
    await platform.locator('.ant-modal-footer .ant-btn-primary').click();
    await shop.filter({ hasText: 'suspended' }).waitFor({ timeout: 10_000 });
    await browser.shot(platform, 'tenants-disabled');
    await assert.rejects(nodeApi(node.url, 'web-shop', 'boss', 'web-shop-boss-1'), /answered 4\d\d/);
    // A tenant's administrator has no tenants page.
    assert.equal(await page.getByRole('menuitem', { name: '租户' }).count(), 0);
    await platform.context().close();
  });

  it('no page logged a console error', () => {
    assert.deepEqual(browser.errors.filter((error) => !error.endsWith('status of 401 (Unauthorized)')), []);
  });
});
