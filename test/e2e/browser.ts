/**
 * Real Chromium for the end-to-end tests, driven by playwright-core (Debian's /usr/bin/chromium,
 * never a downloaded browser; flags as ../shared/PEERS.md gives them). Every page's console errors
 * and uncaught exceptions are collected, and screenshots go to a folder kept after the test.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export class TestBrowser {
  /** Console errors and page exceptions of every page opened, with the page's name. */
  readonly errors: string[] = [];
  #shots = 0;

  private constructor(
    readonly browser: Browser,
    /** Where the screenshots go; printed, and left in place for a person to look at. */
    readonly artifacts: string,
  ) {}

  /** Starts Chromium headless with a fresh profile; `name` names the artifacts folder. */
  static async launch(name: string, extraArgs: string[] = []): Promise<TestBrowser> {
    const artifacts = mkdtempSync(join(tmpdir(), `kefu-${name}-artifacts-`));
    mkdirSync(artifacts, { recursive: true });
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
    });
    process.stdout.write(`# screenshots of ${name}: ${artifacts}\n`);
    return new TestBrowser(browser, artifacts);
  }

  /**
   * A page of its own (its own cookies: one user each) at `width`×`height`, for a user who asked for
   * less motion: a dialog is where it stays from its first frame, so a click never lands on a moving button.
   */
  async page(name: string, width = 1366, height = 768): Promise<Page> {
    const context: BrowserContext = await this.browser.newContext({ viewport: { width, height }, locale: 'zh-CN', reducedMotion: 'reduce' });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`${name}: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.errors.push(`${name}: ${error.message}`));
    return page;
  }

  /** Saves a screenshot of `page` as `<n>-<what>.png` in the artifacts folder. */
  async shot(page: Page, what: string): Promise<string> {
    const path = join(this.artifacts, `${String(++this.#shots).padStart(2, '0')}-${what}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/**
 * Starts noting the Ant Design motions (an element's `…-appear`, `…-enter` or `…-leave` class in its
 * `-start` or `-active` step) that `page` plays from now on; the function returned reads them.
 */
export async function watchMotion(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(`(() => {
    const seen = (globalThis.kefuMotions = []);
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of [change.target, ...change.addedNodes]) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          for (const element of [node, ...node.querySelectorAll('*')]) {
            const name = typeof element.className === 'string' ? element.className : '';
            seen.push(...(name.match(/\\S+-(appear|enter|leave)-(start|active)\\b/g) ?? []));
          }
        }
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  })()`);
  return () => page.evaluate('globalThis.kefuMotions') as Promise<string[]>;
}

/** Logs `username` of `tenant` in through the login page at `url`; the app then opens `home`, the user's home page. */
export async function logIn(page: Page, url: string, login: { tenant: string; username: string; password: string; home: string }): Promise<void> {
  await page.goto(`${url}/`);
  await page.locator('#tenant').fill(login.tenant);
  await page.locator('#username').fill(login.username);
  await page.locator('#password').fill(login.password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL(`${url}${login.home}`, { timeout: 30_000 });
}

/**
 * Picks `label` in the antd Select `select`, again until the select shows it: a dropdown opened
 * while its form still moves (a modal zooming in, a field's message sliding in) is placed where
 * the select was, under another field, or closes before the click lands.
 */
export async function pickOption(page: Page, select: Locator, label: string): Promise<void> {
  for (let tries = 0; !(await select.filter({ hasText: label }).isVisible()); tries++) {
    if (tries === 3) throw new Error(`${label} was not taken; the select shows "${await select.innerText()}"`);
    // rc-motion names its running animations <name>-appear, -enter and -leave; up to 5 s.
    await page.waitForFunction(`document.querySelector('[class*="-appear"], [class*="-enter"], [class*="-leave"]') === null`, undefined, { timeout: 5000 }).catch(() => undefined);
    await select.click();
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: label }).filter({ visible: true }).click({ timeout: 5000 }).catch(() => undefined);
  }
}
