// The load target of bench/sip-register.ts: Kefu's SIP server with its real registrar path
// (directory lookups, digest check, bindings written to the database) over a tenant of
// agents, in a fresh database (on the PostgreSQL server of DATABASE_URL when set, else embedded in
// a temporary folder). Arguments: how many agents, the first extension, their (shared) SIP
// password. Protection is opened up because the load comes from one address. Prints its port,
// then serves until SIGTERM, when it removes the database.
import { randomBytes } from 'node:crypto';
import { DirectoryAccounts } from '../../src/calls/index.js';
import { createTenant, decoyPasswordHash, sipHa1 } from '../../src/directory/index.js';
import { defaultTimerValues, realTimerClock, SipServer } from '../../src/sip/index.js';
import { Store } from '../../src/store/index.js';
import { testDatabase } from '../../test/helpers/database.js';

const [agents, firstExtension] = [Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 20_000)];
const password = process.argv[4] ?? 'bench-sip-secret';
const database = await testDatabase();
const store = await Store.open({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
await store.transaction(async (repos) => {
  const tenant = await createTenant(repos, { slug: 'bench', name: '压测', nameEn: 'Bench' });
  for (let i = 0; i < agents; i++) {
    const extension = String(firstExtension + i);
    const user = await repos.users.create(tenant.id, {
      username: `agent${extension}`,
      displayName: `Agent ${extension}`,
      email: null,
      passwordHash: decoyPasswordHash,
      roles: ['agent'],
      disabled: false,
    });
    const ha1 = sipHa1(extension, tenant.sipRealm, password);
    await repos.agents.create(tenant.id, user.id, { extension, sipHa1Md5: ha1.md5, sipHa1Sha256: ha1.sha256, skills: {} });
  }
});

const server = await SipServer.start({
  transport: { host: '127.0.0.1', port: 0, idleTimeoutMs: 60_000, maxConnections: 1000 },
  timers: defaultTimerValues,
  clock: realTimerClock,
  now: () => Date.now(),
  userAgent: 'Kefu/bench',
  accounts: new DirectoryAccounts(store.repos, 'bench'),
  invites: { onInvite: (_request, _transaction, respond) => respond(480) },
  registrar: { defaultExpires: 3600, minExpires: 60, maxExpires: 7200 },
  // SIPp answers only the first challenge, and only MD5.
  digest: { nonceLifetimeMs: 5 * 60_000, algorithms: ['MD5'], secret: randomBytes(32) },
  protection: { requestsPerSecond: 1e6, burst: 1e6, maxAuthFailures: 1e6, maxUnknownUsers: 1e6, windowMs: 60_000, coolingMs: 1, maxSources: 1000, dropScanners: false },
  onSecurityEvent: () => undefined,
  log: { info: () => undefined, warn: () => undefined },
});
process.once('SIGTERM', () => {
  void (async () => {
    await server.close();
    // REGISTERs of an overloaded last step may still be waiting for the database: let them end
    // before the pool closes, or the forced drop below hits a connection still in use.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await store.close();
    await database.drop();
    process.exit(0);
  })();
});
process.stdout.write(`${server.port}\n`);
