import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';
import { readLinear, sox, temporaryFolder } from '../helpers/audio.js';

interface Prompt {
  id: string;
  name: string;
  file: string;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  version: number;
}

describe('[K5] prompts API', () => {
  let api: TestApi;
  let admin: Client;
  const folder = temporaryFolder('prompts');
  let studio: Buffer;

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    // A 1.5 s stereo 44.1 kHz 24-bit recording of 440 Hz, as a studio would deliver it.
    sox(['-n', '-r', '44100', '-c', '2', '-b', '24', folder.file('studio.wav'), 'synth', '1.5', 'sine', '440', 'gain', '-6']);
    studio = readFileSync(folder.file('studio.wav'));
  });
  after(async () => {
    await api.close();
    folder.remove();
  });

  const upload = (name: string, body: Buffer, type = 'audio/wav') =>
    admin.request('POST', `/api/v1/prompts?name=${name}`, body, { 'content-type': type });

  it('converts an uploaded WAV to 8 kHz mono, keeps it, and serves it back', async () => {
    const response = await upload('welcome', studio);
    assert.equal(response.statusCode, 201, response.body);
    const prompt: Prompt = response.json();
    assert.equal(prompt.durationMs, 1500);
    assert.equal(prompt.sizeBytes, 44 + 1.5 * 8000 * 2);

    const audio = await admin.get(`/api/v1/prompts/${prompt.id}/audio`);
    assert.equal(audio.statusCode, 200);
    assert.equal(audio.headers['content-type'], 'audio/wav');
    const path = folder.file('back.wav');
    writeFileSync(path, audio.rawPayload);
    const samples = readLinear(path);
    assert.equal(samples.length, 12_000);
    const crossings = samples.slice(800, 8800).reduce((n, s, i, all) => (i > 0 && all[i - 1]! < 0 && s >= 0 ? n + 1 : n), 0);
    assert.ok(Math.abs(crossings - 440) <= 2, `heard ${crossings} Hz, expected 440`);
  });

  it('lets a flow play an uploaded prompt and refuses one that was never uploaded', async () => {
    const flow = (prompt: string) => ({
      start: 'a',
      nodes: { a: { type: 'play', prompts: [prompt], exits: { next: 'b' } }, b: { type: 'hangup' } },
    });
    assert.equal((await upload('menu-intro', studio)).statusCode, 201);
    assert.deepEqual((await admin.post('/api/v1/flows/validate', { document: flow('menu-intro') })).json(), { ok: true, problems: [] });
    const refused = await admin.post('/api/v1/flows', { name: 'uses-missing', draft: flow('menu-outro') });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json().error.details, [{ path: 'draft.nodes.a.prompts.0', message: 'a: prompt "menu-outro" does not exist' }]);
  });

  it('refuses a file that is not a WAV, and a name that is taken, keeping no file behind', async () => {
    const bad = await upload('noise', Buffer.from('this is not audio at all'));
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.code, 'ERR_AUDIO_FILE');
    const demo = await api.store.repos.tenants.bySlug('demo');
    const files = () => readdirSync(join(api.mediaDir, demo!.id, 'prompts')).length;
    const before = files();
    assert.equal((await upload('welcome', studio)).statusCode, 409);
    assert.equal(files(), before, 'the refused upload left its file');
    const text = await admin.request('POST', '/api/v1/prompts?name=plain', 'hello', { 'content-type': 'text/plain' });
    assert.equal(text.statusCode, 415);
  });

  it('deletes the row and the file, and hides prompts from other tenants', async () => {
    const prompt: Prompt = (await upload('goodbye', studio)).json();
    const path = join(api.mediaDir, prompt.file);
    assert.ok(existsSync(path));
    const acme = await api.login('acme', 'admin');
    assert.equal((await acme.get(`/api/v1/prompts/${prompt.id}/audio`)).statusCode, 404);
    assert.equal((await acme.delete(`/api/v1/prompts/${prompt.id}`)).statusCode, 404);
    assert.equal((await admin.delete(`/api/v1/prompts/${prompt.id}`)).statusCode, 204);
    assert.equal(existsSync(path), false);
  });
});
