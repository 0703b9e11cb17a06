/**
 * A prompt made in the browser (K5), in real Chromium whose fake microphone plays 1004 Hz: the
 * administrator records about three seconds on the prompts page, sees its waveform drawn under the
 * trim controls, trims it to the second between 0.5 s and 2.5 s (the waveform greys what is cut), amplifies it by 3 dB and saves it. The node keeps a two-second prompt of the
 * tone, 3 dB louder than the microphone (a 0.5 full-scale sine, about -9 dBFS, so about -6 dBFS).
 * A text spoken by the node's text to speech (espeak-ng) is loaded into the same editor and saved.
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
import { decodeWav } from '../../src/media/player/audio-file.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { dominantTone } from '../helpers/rtp-peer.js';
import { logIn, TestBrowser } from './browser.js';
import { buildDist, KefuNode } from './kefu-node.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { fakeMicrophone } from './page-audio.js';

const password = 'demo-web-prompts-1';
const tone = 1004;

describe('[K5] a prompt recorded in the browser, trimmed and amplified; a text spoken and saved', () => {
  let node: KefuNode;
  let database: TestDatabase;
  let folder: string;
  let browser: TestBrowser;
  let admin: NodeApi;
  let page: Page;

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-web-prompts-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    browser = await TestBrowser.launch('web-prompts', fakeMicrophone(folder, tone));
    page = await browser.page('prompts');
  });
  after(async () => {
    await browser?.close();
    await node?.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database?.drop();
  });

  /**
   * The waveform's column at `seconds` of a `length`-second prompt, read from the canvas's pixels:
   * how many are drawn in the colour of the part kept (antd blue) and in the grey of a part cut off.
   */
  const waveformAt = (seconds: number, length: number) =>
    page.getByTestId('prompt-waveform').evaluate(
      (element, [at, of]) => {
        // The test's own types know no DOM: the canvas as far as it is read here.
        const canvas = element as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
        const x = Math.min(canvas.width - 1, Math.floor((at! / of!) * canvas.width));
        const data = canvas.getContext('2d').getImageData(x, 0, 1, canvas.height).data;
        let kept = 0;
        let cut = 0;
        for (let y = 0; y < canvas.height; y++) {
          const [r, g, b, a] = [data[y * 4]!, data[y * 4 + 1]!, data[y * 4 + 2]!, data[y * 4 + 3]!];
          if (a < 200) continue;
          if (r < 60 && b > 200) kept++;
          else if (r > 150 && r === g && g === b) cut++;
        }
        return { kept, cut };
      },
      [seconds, length],
    );

  /** An InputNumber by its test ID (antd puts the ID on the input or on its wrapper). */
  const field = (id: string) => page.locator(`input[data-testid=${id}], [data-testid=${id}] input`);

  it('records from the microphone, trims to 0.5–2.5 s, amplifies by 3 dB, saves: the node keeps two seconds of the tone, louder', async () => {
    await logIn(page, node.url, { tenant: 'demo', username: 'admin', password, home: '/wallboard' });
    await page.getByRole('menuitem', { name: '语音提示' }).click();
    await page.getByTestId('prompt-name').fill('recorded-greeting');
    await page.getByTestId('prompt-record').click();
    // Recorded until the page has counted three seconds.
    await page.locator('[data-testid=prompt-recording][data-seconds^="3."]').waitFor({ timeout: 20_000 });
    await page.getByTestId('prompt-stop').click();
    const length = Number(await page.getByTestId('prompt-length').getAttribute('data-seconds', { timeout: 15_000 }));
    assert.ok(length >= 2.6 && length < 6, `the recording is ${length} s long`);
    // The tone (half of full scale) fills about half the canvas's height, all of it kept so far.
    const whole = await waveformAt(1.5, length);
    assert.ok(whole.kept >= 30 && whole.cut === 0, `the waveform at 1.5 s: ${JSON.stringify(whole)}`);
    await field('prompt-start').fill('0.5');
    await field('prompt-end').fill('2.5');
    await field('prompt-gain').fill('3');
    // Trimmed by sight: before 0.5 s and after 2.5 s greyed, the second between in colour.
    await page.getByTestId('prompt-length').click();
    const [before, kept, after] = [await waveformAt(0.25, length), await waveformAt(1.5, length), await waveformAt((2.5 + length) / 2, length)];
    process.stdout.write(`# the waveform's columns at 0.25 s, 1.5 s and after 2.5 s: ${JSON.stringify([before, kept, after])}\n`);
    assert.ok(before.cut > 0 && before.kept === 0, `the waveform before 0.5 s: ${JSON.stringify(before)}`);
    assert.ok(kept.kept >= 30 && kept.cut === 0, `the waveform at 1.5 s: ${JSON.stringify(kept)}`);
    assert.ok(after.cut > 0 && after.kept === 0, `the waveform after 2.5 s: ${JSON.stringify(after)}`);
    await browser.shot(page, 'prompt-edited');
    await page.getByTestId('prompt-save').click();
    await page.getByRole('cell', { name: 'recorded-greeting' }).waitFor({ timeout: 15_000 });

    const prompt = ((await admin.request('GET', '/prompts?limit=200')).json.items as { id: string; name: string; durationMs: number }[]).find((p) => p.name === 'recorded-greeting');
    assert.ok(prompt !== undefined);
    assert.ok(Math.abs(prompt.durationMs - 2000) <= 20, `the prompt is ${prompt.durationMs} ms long`);
    const audio = await fetch(`${node.url}/api/v1/prompts/${prompt.id}/audio`, { headers: { cookie: admin.cookie } });
    assert.equal(audio.status, 200);
    const heard = dominantTone(decodeWav(new Uint8Array(await audio.arrayBuffer())));
    process.stdout.write(`# the prompt is ${prompt.durationMs} ms of ${heard.hz} Hz at ${heard.dbfs.toFixed(1)} dBFS\n`);
    assert.ok(Math.abs(heard.hz - tone) <= 8, JSON.stringify(heard));
    assert.ok(heard.dbfs > -7.5 && heard.dbfs < -4.5, `3 dB over the microphone's -9 dBFS: ${JSON.stringify(heard)}`);
  });

  it('a text spoken as a say node would (the TTS preview) is loaded into the editor and saved as a prompt of its length', async () => {
    await page.getByTestId('prompt-name').fill('spoken-greeting');
    await page.getByTestId('prompt-text').fill('您好，欢迎致电示范科技局');
    await page.getByTestId('prompt-speak').click();
    const length = Number(await page.getByTestId('prompt-length').getAttribute('data-seconds', { timeout: 30_000 }));
    assert.ok(length > 1 && length < 10, `the speech is ${length} s long`);
    await browser.shot(page, 'prompt-spoken');
    await page.getByTestId('prompt-save').click();
    await page.getByRole('cell', { name: 'spoken-greeting' }).waitFor({ timeout: 15_000 });
    const prompt = ((await admin.request('GET', '/prompts?limit=200')).json.items as { name: string; durationMs: number }[]).find((p) => p.name === 'spoken-greeting');
    assert.ok(prompt !== undefined && Math.abs(prompt.durationMs - length * 1000) <= 20, `${JSON.stringify(prompt)}: not ${length} s`);
  });

  it('no page logged a console error', () => {
    // Before logging in, the app asks who is logged in: that 401 is how it learns nobody is.
    assert.deepEqual(browser.errors.filter((error) => !error.endsWith('status of 401 (Unauthorized)')), []);
  });
});
