import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DuplicateError, StaleVersionError } from '../../src/errors.js';
import { defaultCallSettings, Store } from '../../src/store/index.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('calendars, caller lists and call settings in the store', () => {
  let test: TestStore;
  let store: Store;
  let demo: string;
  let acme: string;
  const page = { limit: 50, offset: 0 };

  before(async () => {
    test = await testStore('demo', 'acme');
    store = test.store;
    [demo, acme] = test.tenants.map((tenant) => tenant.id) as [string, string];
  });
  after(() => test.close());

  it('[B9] keeps calendar dates as the dates written, whatever the process time zone', async () => {
    const zone = process.env.TZ;
    // West of UTC a driver turning `date` into a Date at local midnight would show the day before.
    process.env.TZ = 'America/Los_Angeles';
    try {
      const calendar = store.repos.calendar;
      const day = await calendar.create(demo, { date: '2025-10-01', kind: 'holiday', name: '国庆节' });
      assert.equal(day.date, '2025-10-01');
      await calendar.create(demo, { date: '2025-09-28', kind: 'workday', name: '国庆调休' });
      await calendar.create(demo, { date: '2025-10-02', kind: 'holiday' });
      await calendar.create(acme, { date: '2025-10-01', kind: 'workday', name: 'Acme works' });

      const listed = await calendar.list(demo, { from: '2025-09-28', to: '2025-10-01' }, page);
      assert.deepEqual(listed.items.map((d) => [d.date, d.kind]), [['2025-09-28', 'workday'], ['2025-10-01', 'holiday']]);
      assert.equal(listed.total, 2);
      assert.deepEqual((await calendar.list(demo, { kind: 'workday' }, page)).items.map((d) => d.name), ['国庆调休']);
      assert.deepEqual(
        [...(await calendar.kinds(demo, '2025-09-30', '2025-10-02'))],
        [['2025-10-01', 'holiday'], ['2025-10-02', 'holiday']],
      );
      assert.deepEqual([...(await calendar.kinds(acme, '2025-10-01', '2025-10-01'))], [['2025-10-01', 'workday']], 'each tenant its own calendar');

      const moved = await calendar.update(demo, day.id, 1, { date: '2025-10-03' });
      assert.equal(moved.date, '2025-10-03');
      assert.equal(moved.version, 2);
      await assert.rejects(calendar.update(demo, day.id, 1, { name: 'stale' }), StaleVersionError);
      assert.equal((await calendar.get(acme, day.id)), undefined, 'another tenant does not see it');
      assert.equal((await calendar.remove(demo, day.id))?.date, '2025-10-03');
    } finally {
      process.env.TZ = zone;
    }
  });

  it('[B9] refuses a second entry for one date, naming `date`', async () => {
    await store.repos.calendar.create(demo, { date: '2026-01-01', kind: 'holiday' });
    await assert.rejects(store.repos.calendar.create(demo, { date: '2026-01-01', kind: 'workday' }), (error: unknown) => {
      assert.ok(error instanceof DuplicateError);
      assert.deepEqual(error.details.map((d) => d.path), ['date']);
      return true;
    });
  });

  it('[B10] finds the entries a calling number matches, exactly or by prefix, in its own tenant only', async () => {
    const lists = store.repos.callerLists;
    await lists.create(demo, { list: 'blacklist', number: '+8613800138000', note: '骚扰电话' });
    await lists.create(demo, { list: 'blacklist', number: '+86170', match: 'prefix', note: 'virtual operators' });
    await lists.create(demo, { list: 'whitelist', number: '+8613900139000' });
    await lists.create(demo, { list: 'whitelist', number: '+861380', match: 'prefix' });
    await lists.create(acme, { list: 'blacklist', number: '+8613900139000' });

    const matching = async (tenant: string, number: string) =>
      (await lists.matching(tenant, number)).map((e) => `${e.list} ${e.match} ${e.number}`).sort();
    assert.deepEqual(await matching(demo, '+8613800138000'), ['blacklist exact +8613800138000', 'whitelist prefix +861380']);
    assert.deepEqual(await matching(demo, '+8617012345678'), ['blacklist prefix +86170']);
    assert.deepEqual(await matching(demo, '+8613900139000'), ['whitelist exact +8613900139000']);
    assert.deepEqual(await matching(demo, '+86139001390001'), [], 'exact means the whole number');
    assert.deepEqual(await matching(demo, '+86'), [], 'a number shorter than a prefix does not match it');
    assert.deepEqual(await matching(acme, '+8613800138000'), []);

    await assert.rejects(lists.create(demo, { list: 'blacklist', number: '+8613800138000' }), DuplicateError);
    assert.deepEqual((await lists.list(demo, { list: 'whitelist' }, page)).items.map((e) => e.number), ['+861380', '+8613900139000']);
    assert.deepEqual((await lists.list(demo, { q: '骚扰' }, page)).items.map((e) => e.number), ['+8613800138000']);
  });

  it('[B10] gives a tenant the default call settings until its first change, then versions them', async () => {
    const settings = store.repos.callSettings;
    assert.deepEqual(await settings.get(demo), defaultCallSettings);
    const first = await settings.update(demo, 0, { scheduleMode: 'night', whitelistOnly: true });
    assert.equal(first.version, 1);
    assert.equal(first.scheduleMode, 'night');
    assert.equal(first.blacklistAction, 'reject-busy', 'fields left out keep the defaults');
    await assert.rejects(settings.update(demo, 0, { scheduleMode: 'day' }), StaleVersionError, 'someone else made the first change');
    const second = await settings.update(demo, 1, { blacklistAction: 'play-and-hang-up', refusalPrompt: 'refused' });
    assert.deepEqual(
      { ...second, updatedAt: undefined },
      { blacklistAction: 'play-and-hang-up', refusalPrompt: 'refused', whitelistOnly: true, scheduleMode: 'night', version: 2, updatedAt: undefined },
    );
    await assert.rejects(settings.update(demo, 1, { scheduleMode: 'auto' }), StaleVersionError);
    await assert.rejects(settings.update(acme, 3, { scheduleMode: 'auto' }), StaleVersionError, 'acme has no version 3');
    assert.deepEqual(await settings.get(acme), defaultCallSettings, 'another tenant keeps its own');
  });
});
