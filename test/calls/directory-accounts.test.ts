import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DirectoryAccounts } from '../../src/calls/index.js';
import { createTenant, sipHa1 } from '../../src/directory/index.js';
import { Store, type TenantRow } from '../../src/store/index.js';
import { testStore, type TestStore } from '../helpers/store.js';

describe('SIP accounts from the directory', () => {
  let test: TestStore;
  let store: Store;
  let demo: TenantRow;
  let lookups = 0;

  before(async () => {
    test = await testStore();
    store = test.store;
    demo = await createTenant(store.repos, { slug: 'demo', name: '示范', nameEn: 'Demo', sipRealm: 'demo.example.com' });
    const user = await store.repos.users.create(demo.id, { username: 'a1001', displayName: 'A', email: null, passwordHash: 'x', roles: ['agent'], disabled: false });
    const ha1 = sipHa1('1001', demo.sipRealm, 'pw-123456');
    await store.repos.agents.create(demo.id, user.id, { extension: '1001', sipHa1Md5: ha1.md5, sipHa1Sha256: ha1.sha256, skills: {} });
    // Count the tenant queries on the real repository.
    const bySipRealm = store.repos.tenants.bySipRealm.bind(store.repos.tenants);
    store.repos.tenants.bySipRealm = (realm: string) => {
      lookups++;
      return bySipRealm(realm);
    };
  });
  after(() => test.close());

  it('asks the database for a domain’s tenant once per TTL; a suspension shows once it passes', async () => {
    let now = 1_000_000;
    const accounts = new DirectoryAccounts(store.repos, 'demo', { tenantTtlMs: 5_000, now: () => now });
    lookups = 0;
    assert.equal(await accounts.realm('demo.example.com'), 'demo.example.com');
    assert.equal((await accounts.find('1001', 'demo.example.com'))?.realm, 'demo.example.com');
    assert.equal(await accounts.realm('192.0.2.1'), 'demo.example.com', 'an IP address belongs to the default tenant');
    assert.equal(lookups, 2, 'one query per domain');

    demo = await store.repos.tenants.update(demo.id, demo.version, { status: 'suspended' });
    now += 4_999;
    assert.ok((await accounts.find('1001', 'demo.example.com')) !== undefined, 'still remembered');
    now += 1;
    assert.equal(await accounts.find('1001', 'demo.example.com'), undefined, 'suspended tenants register no phones');
    demo = await store.repos.tenants.update(demo.id, demo.version, { status: 'active' });
  });

  it('remembers at most maxDomains domains, whatever the network sends', async () => {
    const accounts = new DirectoryAccounts(store.repos, 'demo', { tenantTtlMs: 60_000, maxDomains: 2, now: () => 0 });
    lookups = 0;
    for (const domain of ['a.example', 'b.example', 'c.example']) await accounts.realm(domain);
    await accounts.realm('c.example');
    await accounts.realm('b.example');
    assert.equal(lookups, 3, 'the two latest are remembered');
    await accounts.realm('a.example');
    assert.equal(lookups, 4, 'the oldest was forgotten');
  });
});
