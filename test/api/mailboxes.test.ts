import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../src/directory/index.js';
import { MediaFiles, type TenantRow } from '../../src/store/index.js';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('[B6] mailboxes API', () => {
  let api: TestApi;
  let admin: Client;
  let demo: TenantRow;
  let media: MediaFiles;

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    demo = (await api.store.repos.tenants.bySlug('demo'))!;
    media = new MediaFiles(api.mediaDir);
  });
  after(() => api.close());

  async function leaveMessage(mailboxId: string, caller: string) {
    const stored = await media.write(demo.id, 'voicemail', 'wav', Buffer.from(`RIFF-${caller}`));
    return api.store.repos.mailboxes.addMessage(demo.id, { mailboxId, caller, sipCallId: `c-${caller}`, durationMs: 2000, ...stored });
  }

  it('creates a mailbox with a hashed PIN that is never shown, and changes the PIN', async () => {
    const created = await admin.post('/api/v1/mailboxes', { name: 'director', ownerKind: 'tenant', pin: '2468' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().pinHash, undefined);
    assert.equal(created.json().pin, undefined);
    const bad = await admin.post('/api/v1/mailboxes', { name: 'x', ownerKind: 'tenant', pin: '12' });
    assert.deepEqual(bad.json().error.details.map((d: { path: string }) => d.path), ['pin']);

    const changed = await admin.patch(`/api/v1/mailboxes/${created.json().id}`, { version: 1, pin: '97531' });
    assert.equal(changed.statusCode, 200, changed.body);
    const row = await api.store.repos.mailboxes.get(demo.id, created.json().id);
    assert.ok(await verifyPassword('97531', row!.pinHash));
    const audit = await admin.get('/api/v1/audit?entity=mailbox');
    assert.ok(!audit.body.includes(row!.pinHash), 'the PIN hash reached the audit log');
  });

  it('lists, serves, marks heard and deletes messages; other tenants see none of it', async () => {
    const box = (await admin.post('/api/v1/mailboxes', { name: 'service', ownerKind: 'tenant', pin: '1234' })).json();
    const first = await leaveMessage(box.id, '13800000001');
    await leaveMessage(box.id, '13800000002');

    const listed = await admin.get(`/api/v1/mailboxes/${box.id}/messages`);
    assert.deepEqual(listed.json().items.map((m: { caller: string }) => m.caller), ['13800000001', '13800000002']);
    const audio = await admin.get(`/api/v1/mailboxes/${box.id}/messages/${first.id}/audio`);
    assert.equal(audio.statusCode, 200);
    assert.equal(audio.body, 'RIFF-13800000001');

    assert.equal((await admin.post(`/api/v1/mailboxes/${box.id}/messages/${first.id}/heard`, {})).statusCode, 200);
    const unheard = await admin.get(`/api/v1/mailboxes/${box.id}/messages?unheard=true`);
    assert.deepEqual(unheard.json().items.map((m: { caller: string }) => m.caller), ['13800000002']);

    const acme = await api.login('acme', 'admin');
    assert.equal((await acme.get(`/api/v1/mailboxes/${box.id}/messages`)).statusCode, 404);
    assert.equal((await acme.get(`/api/v1/mailboxes/${box.id}/messages/${first.id}/audio`)).statusCode, 404);
    assert.equal((await acme.delete(`/api/v1/mailboxes/${box.id}/messages/${first.id}`)).statusCode, 404);
    const agent = await api.login('demo', '1001');
    assert.equal((await agent.get(`/api/v1/mailboxes/${box.id}/messages`)).statusCode, 403);

    assert.equal((await admin.delete(`/api/v1/mailboxes/${box.id}/messages/${first.id}`)).statusCode, 204);
    assert.equal(existsSync(media.path(first.file)), false);
    const second = (await api.store.repos.mailboxes.messages(demo.id, box.id))[0]!;
    assert.equal((await admin.delete(`/api/v1/mailboxes/${box.id}`)).statusCode, 204);
    assert.equal(existsSync(media.path(second.file)), false, 'deleting a mailbox removes its audio');
  });
});
