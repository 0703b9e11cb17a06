import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MediaFiles, type TenantRow } from '../../src/store/index.js';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

describe('call records and cases API', () => {
  let api: TestApi;
  let admin: Client;
  let demo: TenantRow;

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    demo = (await api.store.repos.tenants.bySlug('demo'))!;
  });
  after(() => api.close());

  it('[H1] CDRs are filtered by SIP Call-ID and number, with their traces', async () => {
    const start = { direction: 'inbound' as const, caller: '13800138000', called: '+8675500000000', originalCalled: '+8675588880000', flow: 'main', flowVersion: 2 };
    const first = await api.store.repos.cdrs.start(demo.id, { ...start, sipCallId: 'abc@host', startedAt: new Date('2026-11-22T01:00:00Z') });
    await api.store.repos.cdrs.start(demo.id, { ...start, sipCallId: 'other@host', called: '12345', originalCalled: null, startedAt: new Date('2026-11-22T02:00:00Z') });
    await api.store.repos.cdrs.change(demo.id, first.id, { endedAt: new Date('2026-11-22T01:01:00Z'), cause: 'caller-hung-up', trace: [{ node: 'menu', event: 'keys', digits: '2' }] });

    const byCallId = await admin.get('/api/v1/cdrs?sip_call_id=abc@host');
    assert.equal(byCallId.statusCode, 200, byCallId.body);
    const [row] = byCallId.json().items;
    assert.deepEqual([row.sipCallId, row.originalCalled, row.flowVersion, row.cause, row.trace], ['abc@host', '+8675588880000', 2, 'caller-hung-up', [{ node: 'menu', event: 'keys', digits: '2' }]]);
    assert.equal(byCallId.json().total, 1);
    assert.equal((await admin.get('/api/v1/cdrs?called=%2B8675588880000')).json().total, 1, 'the original called number finds a forwarded call');
    assert.equal((await admin.get('/api/v1/cdrs?since=2026-11-22T01:30:00Z')).json().total, 1);

    const acme = await api.login('acme', 'admin');
    assert.equal((await acme.get('/api/v1/cdrs?sip_call_id=abc@host')).json().total, 0);
    assert.equal((await acme.get(`/api/v1/cdrs/${first.id}`)).statusCode, 404);
    assert.equal((await (await api.login('demo', '1001')).get('/api/v1/cdrs')).statusCode, 403);
  });

  it('[B4] cases opened by the IVR are listed and their recordings served', async () => {
    const media = new MediaFiles(api.mediaDir);
    const stored = await media.write(demo.id, 'cases', 'wav', Buffer.from('RIFF-complaint'));
    const opened = await api.store.transaction((repos) =>
      repos.cases.open(demo.id, '261122', { type: 'complaint', caller: '13800138000', customerId: null, sipCallId: 'x', recordingFile: stored.file, recordingMs: 3000, recordingSha256: stored.sha256 }),
    );
    assert.equal(opened.number, '2611220001');
    const listed = await admin.get('/api/v1/cases?type=complaint');
    assert.deepEqual(listed.json().items.map((c: { number: string }) => c.number), ['2611220001']);
    const recording = await admin.get(`/api/v1/cases/${opened.id}/recording`);
    assert.equal(recording.body, 'RIFF-complaint');
    assert.equal((await (await api.login('acme', 'admin')).get(`/api/v1/cases/${opened.id}/recording`)).statusCode, 404);
  });
});
