import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { screenCaller } from '../../src/directory/index.js';
import { flowNode, scheduleState, type NodeOf } from '../../src/flows/index.js';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface Day {
  id: string;
  date: string;
  kind: string;
  name: string;
  version: number;
}
interface Entry {
  id: string;
  list: string;
  number: string;
  match: string;
  note: string;
  version: number;
}

function errorPaths(response: LightMyRequestResponse): string[] {
  return response.json().error.details.map((d: { path: string }) => d.path).sort();
}

describe('[B9][B10] calendar, caller lists and call settings API', () => {
  let api: TestApi;
  let admin: Client;
  let supervisor: Client;
  let agent: Client;
  let acme: Client;

  const created = async <T>(client: Client, url: string, body: object): Promise<T> => {
    const response = await client.post(url, body);
    assert.equal(response.statusCode, 201, response.body);
    return response.json() as T;
  };
  const put = (client: Client, body: object) => client.request('PUT', '/api/v1/call-settings', body);

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    supervisor = await api.login('demo', 'lead');
    agent = await api.login('demo', '1001');
    acme = await api.login('acme', 'admin');
  });
  after(() => api.close());

  it('[B9] a tenant admin keeps the holiday calendar: dates as written, a range, a change, a removal', async () => {
    const nationalDay = await created<Day>(admin, '/api/v1/calendar', { date: '2025-10-01', kind: 'holiday', name: '国庆节' });
    assert.deepEqual([nationalDay.date, nationalDay.kind, nationalDay.name, nationalDay.version], ['2025-10-01', 'holiday', '国庆节', 1]);
    await created(admin, '/api/v1/calendar', { date: '2025-09-28', kind: 'workday', name: '国庆调休' });
    await created(admin, '/api/v1/calendar', { date: '2025-10-08', kind: 'holiday' });
    await created(admin, '/api/v1/calendar', { date: '2026-01-01', kind: 'holiday', name: '元旦' });

    const september = await admin.get('/api/v1/calendar?from=2025-09-01&to=2025-10-07');
    assert.equal(september.statusCode, 200, september.body);
    assert.deepEqual(september.json().items.map((d: Day) => `${d.date} ${d.kind}`), ['2025-09-28 workday', '2025-10-01 holiday']);
    assert.deepEqual((await admin.get('/api/v1/calendar?kind=workday')).json().items.map((d: Day) => d.name), ['国庆调休']);

    const renamed = await admin.patch(`/api/v1/calendar/${nationalDay.id}`, { version: 1, name: 'National Day' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().date, '2025-10-01');
    assert.equal((await admin.patch(`/api/v1/calendar/${nationalDay.id}`, { version: 1, name: 'lost' })).statusCode, 409);

    const newYear = (await admin.get('/api/v1/calendar?from=2026-01-01')).json().items[0] as Day;
    assert.equal((await admin.delete(`/api/v1/calendar/${newYear.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/calendar/${newYear.id}`)).statusCode, 404);
  });

  it('[B9] refuses dates that do not exist and a second entry for one date', async () => {
    for (const date of ['2025-02-29', '2025-13-01', '2025/10/01', '10-01']) {
      const bad = await admin.post('/api/v1/calendar', { date, kind: 'holiday' });
      assert.equal(bad.statusCode, 400, date);
      assert.deepEqual(errorPaths(bad), ['date'], date);
    }
    assert.equal((await admin.post('/api/v1/calendar', { date: '2024-02-29', kind: 'holiday' })).statusCode, 201, 'a leap day exists');
    const twice = await admin.post('/api/v1/calendar', { date: '2024-02-29', kind: 'workday' });
    assert.equal(twice.statusCode, 409);
    assert.deepEqual(errorPaths(twice), ['date']);
    const unknownKind = await admin.post('/api/v1/calendar', { date: '2024-03-01', kind: 'vacation' });
    assert.deepEqual(errorPaths(unknownKind), ['kind']);
  });

  it('[B10] a tenant admin lists callers by number or prefix, numbers stored as normalised', async () => {
    const pest = await created<Entry>(admin, '/api/v1/caller-lists', { list: 'blacklist', number: '+86 138-0013-8000', note: '骚扰电话 nuisance' });
    assert.deepEqual([pest.number, pest.match, pest.version], ['+8613800138000', 'exact', 1]);
    await created(admin, '/api/v1/caller-lists', { list: 'blacklist', number: '+86170', match: 'prefix' });
    await created(admin, '/api/v1/caller-lists', { list: 'whitelist', number: '+86170888', match: 'prefix', note: 'partner' });

    const twice = await admin.post('/api/v1/caller-lists', { list: 'blacklist', number: '+8613800138000' });
    assert.equal(twice.statusCode, 409);
    assert.deepEqual(errorPaths(twice), ['number']);
    const bad = await admin.post('/api/v1/caller-lists', { list: 'greylist', number: 'call me' });
    assert.deepEqual(errorPaths(bad), ['list', 'number']);

    assert.deepEqual((await admin.get('/api/v1/caller-lists?list=blacklist')).json().items.map((e: Entry) => e.number), ['+8613800138000', '+86170']);
    assert.deepEqual((await admin.get('/api/v1/caller-lists?q=nuisance')).json().items.map((e: Entry) => e.id), [pest.id]);
    const moved = await admin.patch(`/api/v1/caller-lists/${pest.id}`, { version: 1, note: 'still calling' });
    assert.equal(moved.json().note, 'still calling');
  });

  it('[B9][B10] call settings start at the defaults; the night switch and refusals are versioned and audited', async () => {
    const first = await admin.get('/api/v1/call-settings');
    assert.deepEqual(first.json(), { blacklistAction: 'reject-busy', refusalPrompt: null, whitelistOnly: false, scheduleMode: 'auto', version: 0, updatedAt: null });

    const night = await put(admin, { version: 0, scheduleMode: 'night' });
    assert.equal(night.statusCode, 200, night.body);
    assert.equal(night.json().scheduleMode, 'night');
    assert.equal(night.json().version, 1);
    const stale = await put(admin, { version: 0, scheduleMode: 'day' });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'ERR_STALE_VERSION');

    const silent = await put(admin, { version: 1, blacklistAction: 'play-and-hang-up' });
    assert.equal(silent.statusCode, 400);
    assert.deepEqual(errorPaths(silent), ['refusalPrompt'], 'play-and-hang-up needs something to play');
    const missing = await put(admin, { version: 1, blacklistAction: 'play-and-hang-up', refusalPrompt: 'no-such-prompt' });
    assert.deepEqual(errorPaths(missing), ['refusalPrompt']);
    const tenant = (await admin.get('/api/v1/auth/me')).json().tenant.id as string;
    await api.store.repos.prompts.create(tenant, { name: 'refused', description: '', file: 'x.wav', durationMs: 1000, sizeBytes: 8044, sha256: '0'.repeat(64) });
    const played = await put(admin, { version: 1, blacklistAction: 'play-and-hang-up', refusalPrompt: 'refused' });
    assert.equal(played.statusCode, 200, played.body);
    assert.deepEqual({ ...(played.json() as object), updatedAt: undefined }, { blacklistAction: 'play-and-hang-up', refusalPrompt: 'refused', whitelistOnly: false, scheduleMode: 'night', version: 2, updatedAt: undefined });
    const badMode = await put(admin, { version: 2, scheduleMode: 'evening' });
    assert.deepEqual(errorPaths(badMode), ['scheduleMode']);

    const audit = (await admin.get('/api/v1/audit?limit=200')).json().items as { entity: string; after: { scheduleMode: string } }[];
    assert.equal(audit.filter((e) => e.entity === 'call settings').length, 2, 'each change is in the audit log');
  });

  it('[B9][B10] what the API keeps is what screening and schedules decide by', async () => {
    const tenant = (await admin.get('/api/v1/auth/me')).json().tenant.id as string;
    const repos = api.store.repos;
    const screen = async (number: string) => screenCaller(await repos.callSettings.get(tenant), await repos.callerLists.matching(tenant, number), number);
    assert.deepEqual(await screen('+8613800138000'), { refuse: 'play-and-hang-up', because: 'blacklisted', prompt: 'refused' });
    assert.deepEqual(await screen('+8617012345678'), { refuse: 'play-and-hang-up', because: 'blacklisted', prompt: 'refused' });
    assert.equal(await screen('+8617088812345'), 'allow', 'the whitelist prefix inside the blacklisted one');
    assert.equal(await screen('+8613900139000'), 'allow');

    const hours = flowNode.parse({ type: 'schedule', open: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }], exits: { open: 'a', closed: 'b', holiday: 'c' } }) as NodeOf<'schedule'>;
    const at = async (iso: string) => {
      const settings = await repos.callSettings.get(tenant);
      const calendar = await repos.calendar.kinds(tenant, '2025-09-26', '2025-10-10');
      return scheduleState(hours, { now: new Date(iso), tenantTimeZone: 'Asia/Shanghai', calendar, mode: settings.scheduleMode });
    };
    assert.equal(await at('2025-09-28T02:00:00Z'), 'closed', 'the night switch is on');
    const current = (await admin.get('/api/v1/call-settings')).json().version as number;
    assert.equal((await put(admin, { version: current, scheduleMode: 'auto' })).statusCode, 200);
    assert.equal(await at('2025-09-28T02:00:00Z'), 'open', 'Sunday 28 September 2025, 10:00: a make-up working day');
    assert.equal(await at('2025-10-08T02:00:00Z'), 'holiday', 'Wednesday 8 October 2025: still the holiday');
  });

  it('lets a supervisor read but not change; an agent has no access', async () => {
    for (const url of ['/api/v1/calendar', '/api/v1/caller-lists', '/api/v1/call-settings']) {
      assert.equal((await supervisor.get(url)).statusCode, 200, url);
      const denied = await agent.get(url);
      assert.equal(denied.statusCode, 403, url);
      assert.equal(denied.json().error.code, 'ERR_FORBIDDEN');
    }
    const day = (await supervisor.get('/api/v1/calendar')).json().items[0] as Day;
    const entry = (await supervisor.get('/api/v1/caller-lists')).json().items[0] as Entry;
    const attempts = [
      await supervisor.post('/api/v1/calendar', { date: '2030-01-01', kind: 'holiday' }),
      await supervisor.patch(`/api/v1/calendar/${day.id}`, { version: day.version, name: 'x' }),
      await supervisor.delete(`/api/v1/calendar/${day.id}`),
      await supervisor.post('/api/v1/caller-lists', { list: 'whitelist', number: '110' }),
      await supervisor.patch(`/api/v1/caller-lists/${entry.id}`, { version: entry.version, note: 'x' }),
      await supervisor.delete(`/api/v1/caller-lists/${entry.id}`),
      await put(supervisor, { version: 0, scheduleMode: 'day' }),
    ];
    for (const attempt of attempts) assert.equal(attempt.statusCode, 403, attempt.body);
  });

  it("another tenant's calendar days and list entries answer 404, and its settings are its own", async () => {
    const day = (await admin.get('/api/v1/calendar')).json().items[0] as Day;
    const entry = (await admin.get('/api/v1/caller-lists')).json().items[0] as Entry;
    for (const [url, version] of [
      [`/api/v1/calendar/${day.id}`, day.version],
      [`/api/v1/caller-lists/${entry.id}`, entry.version],
    ] as const) {
      const before = (await admin.get(url)).json();
      assert.equal((await acme.get(url)).statusCode, 404, url);
      assert.equal((await acme.patch(url, { version, note: 'hijacked', name: 'hijacked' })).statusCode, 404, url);
      assert.equal((await acme.delete(url)).statusCode, 404, url);
      assert.deepEqual((await admin.get(url)).json(), before, 'untouched');
    }
    assert.deepEqual((await acme.get('/api/v1/calendar')).json().items, []);
    assert.deepEqual((await acme.get('/api/v1/caller-lists')).json().items, []);
    assert.equal((await acme.get('/api/v1/call-settings')).json().scheduleMode, 'auto');
    assert.equal((await put(acme, { version: 0, refusalPrompt: 'refused' })).statusCode, 400, "demo's prompt is not acme's");
  });
});
