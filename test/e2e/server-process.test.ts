/**
 * Kefu as an operator runs it: `node dist/main.js` in a child process, on the embedded database
 * or (with DATABASE_URL set) on PostgreSQL. Start-up banner, health and metrics, data that
 * survives SIGKILL and SIGTERM, start-up refused on bad settings, and `kefu --help`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, KefuNode, nodeEnvironment, projectRoot, within } from './kefu-node.js';

const adminPassword = 'platform-secret-1';
const demoPassword = 'demo-secret-1';
const settingNames = ['KEFU_DATA_DIR', 'KEFU_HTTP_PORT', 'KEFU_SIP_PORT', 'KEFU_HOST', 'DATABASE_URL', 'KEFU_ADMIN_PASSWORD', 'KEFU_LOG_LEVEL'];

/** Logs in over HTTP and returns the `cookie` header value carrying the session. */
async function login(node: KefuNode, tenant: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${node.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant, username, password }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const session = response.headers.getSetCookie().find((c) => c.startsWith('kefu_session='));
  assert.ok(session !== undefined, 'login sets the kefu_session cookie');
  assert.match(session, /HttpOnly/i);
  return session.split(';')[0] as string;
}

async function createCustomer(node: KefuNode, cookie: string, name: string): Promise<Response> {
  return fetch(`${node.url}/api/v1/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name, phones: ['+86 138 0000 4321'] }),
  });
}

async function customersNamed(node: KefuNode, cookie: string, name: string): Promise<string[]> {
  const response = await fetch(`${node.url}/api/v1/customers?q=${encodeURIComponent(name)}`, { headers: { cookie } });
  assert.equal(response.status, 200);
  const { items } = (await response.json()) as { items: { name: string }[] };
  return items.map((c) => c.name);
}

describe('kefu server process', () => {
  const nodes: KefuNode[] = [];
  const databases: TestDatabase[] = [];
  const folders: string[] = [];

  /** A fresh database (embedded in a temp dir, or a new PostgreSQL database) for one test. */
  async function freshDatabase(): Promise<TestDatabase> {
    const database = await testDatabase();
    databases.push(database);
    return database;
  }

  async function start(database: TestDatabase, settings: Record<string, string | undefined> = {}): Promise<KefuNode> {
    const node = await KefuNode.start(
      { KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_SIP_PORT: '0', ...settings },
      database.dataDir,
    );
    nodes.push(node);
    await node.ready();
    await node.output(/is running\.[\s\S]*\n\n/);
    return node;
  }

  const withPasswords = { KEFU_ADMIN_PASSWORD: adminPassword, KEFU_DEMO_PASSWORD: demoPassword };

  before(() => buildDist());

  after(async () => {
    for (const node of nodes) if (node.running) await node.stop('SIGKILL').catch(() => undefined);
    for (const database of databases) await database.drop();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('prints a banner with the URL and the demo logins, and answers /healthz, /readyz and /metrics', async () => {
    const database = await freshDatabase();
    const node = await start(database, withPasswords);

    const banner = node.stdout;
    assert.match(banner, /Kefu \S+ is running\./);
    assert.ok(banner.includes(`${node.url}/`), `the banner names ${node.url}:\n${banner}`);
    assert.ok(banner.includes(`${node.url}/api/docs`));
    assert.match(banner, database.databaseUrl === undefined ? /embedded, in .*\/db/ : /PostgreSQL \(DATABASE_URL\)/);
    assert.match(banner, /Demo centre created/);
    for (const [tenant, username] of [['demo', 'admin'], ['demo', 'lead'], ['demo', '1001'], ['demo', '1002'], ['acme', 'admin']]) {
      assert.match(banner, new RegExp(`^\\s+${tenant}\\s+${username}\\s+from KEFU_DEMO_PASSWORD`, 'm'), `${tenant}/${username} is listed`);
    }
    assert.match(banner, /SIP 1001@demo password from KEFU_DEMO_PASSWORD/);
    assert.doesNotMatch(banner, new RegExp(demoPassword), 'passwords given in the environment are not echoed');

    const health = await fetch(`${node.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

    const requestId = `e2e-${randomBytes(4).toString('hex')}`;
    const ready = await fetch(`${node.url}/readyz`, { headers: { 'x-request-id': requestId } });
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok' });
    assert.equal(ready.headers.get('x-request-id'), requestId);
    // The JSON log on stdout carries the request id the caller sent.
    const log = await node.output(new RegExp(`"reqId":"${requestId}"`));
    const line = log.split('\n').find((l) => l.includes(requestId)) as string;
    assert.equal(JSON.parse(line).reqId, requestId);

    // The request above is counted; onResponse may land just after the answer, so poll briefly.
    const pattern = /^kefu_http_request_duration_seconds_count\{[^}]*route="\/readyz"[^}]*\} [1-9]/m;
    let metrics = '';
    for (const deadline = Date.now() + 5000; !pattern.test(metrics); await new Promise((resolve) => setTimeout(resolve, 50))) {
      assert.ok(Date.now() < deadline, `/metrics did not count the /readyz request within 5 s:\n${metrics}`);
      const response = await fetch(`${node.url}/metrics`);
      assert.equal(response.status, 200);
      metrics = await response.text();
    }
    assert.match(metrics, /^kefu_http_request_duration_seconds_bucket\{/m);
    assert.match(metrics, /^kefu_process_resident_memory_bytes /m);

    assert.equal((await node.stop('SIGTERM')).code, 0);
  });

  it('keeps a customer acknowledged with 201 when the process is killed with SIGKILL right after', async () => {
    const database = await freshDatabase();
    const first = await start(database, withPasswords);
    const name = `Durable ${randomBytes(4).toString('hex')}`;
    const created = await createCustomer(first, await login(first, 'demo', 'admin', demoPassword), name);
    assert.equal(created.status, 201);
    const exit = await first.stop('SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');

    const second = await start(database, withPasswords);
    assert.doesNotMatch(second.stdout, /Demo centre created/, 'a restart does not seed the demo again');
    assert.doesNotMatch(second.stdout, /shown once/);
    const cookie = await login(second, 'demo', 'admin', demoPassword);
    assert.deepEqual(await customersNamed(second, cookie, name), [name]);
    assert.deepEqual(await customersNamed(second, cookie, '张伟'), ['张伟'], 'the demo customer exists once');
    assert.equal((await second.stop('SIGTERM')).code, 0);
  });

  it('stops gracefully on SIGTERM; random first-start passwords are shown once and keep working', async () => {
    const database = await freshDatabase();
    const first = await start(database);
    const demoAdmin = /^\s+demo\s+admin\s+(\S+)\s+tenant_admin/m.exec(first.stdout)?.[1];
    const platformAdmin = /password (\S+)\s+<- shown once/.exec(first.stdout)?.[1];
    assert.ok(demoAdmin !== undefined && platformAdmin !== undefined, `the banner shows generated passwords:\n${first.stdout}`);
    assert.match(first.stdout, /These passwords and PINs are shown once, now\./);

    const name = `Graceful ${randomBytes(4).toString('hex')}`;
    assert.equal((await createCustomer(first, await login(first, 'demo', 'admin', demoAdmin), name)).status, 201);
    const stopped = Date.now();
    const exit = await first.stop('SIGTERM', 5000);
    assert.deepEqual(exit, { code: 0, signal: null }, first.stderr);
    assert.ok(Date.now() - stopped < 5000);
    assert.match(first.stdout, /"signal":"SIGTERM".*"msg":"stopping"/);

    const second = await start(database);
    assert.doesNotMatch(second.stdout, /shown once|Demo centre created/, 'no new passwords on the second start');
    assert.ok(!second.stdout.includes(demoAdmin) && !second.stdout.includes(platformAdmin));
    assert.match(second.stdout, /password as set at first start/);
    assert.deepEqual(await customersNamed(second, await login(second, 'demo', 'admin', demoAdmin), name), [name]);
    await login(second, 'platform', 'admin', platformAdmin);
    assert.equal((await second.stop('SIGTERM')).code, 0);
  });

  it('refuses to start on a bad environment setting, naming it, the value and what is allowed', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kefu-e2e-'));
    folders.push(folder);
    const node = KefuNode.run({ KEFU_DATA_DIR: folder, KEFU_HTTP_PORT: 'abc' }, folder);
    nodes.push(node);
    const exit = await within(30_000, 'kefu to refuse KEFU_HTTP_PORT=abc', node.exited);
    assert.equal(exit.code, 1);
    assert.match(node.stderr, /KEFU_HTTP_PORT="abc" is not allowed/);
    assert.match(node.stderr, /allowed: an integer from 0 to 65535/);
    assert.doesNotMatch(node.stdout, /is running/);
  });

  it('refuses to start on a bad kefu.yaml value (KEFU_CONFIG), naming the key, the file and the value', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kefu-e2e-'));
    folders.push(folder);
    const file = join(folder, 'settings.yaml');
    await writeFile(file, 'httpPort: 8089\nlogLevel: chatty\n');
    const node = KefuNode.run({ KEFU_DATA_DIR: folder, KEFU_CONFIG: file }, folder);
    nodes.push(node);
    const exit = await within(30_000, 'kefu to refuse logLevel: chatty', node.exited);
    assert.equal(exit.code, 1);
    assert.ok(node.stderr.includes(`logLevel in ${file}="chatty" is not allowed`), node.stderr);
    assert.match(node.stderr, /allowed: fatal, error, warn, info, debug, trace, silent/);

    await writeFile(file, 'httpport: 8089\n');
    const unknown = KefuNode.run({ KEFU_DATA_DIR: folder, KEFU_CONFIG: file }, folder);
    nodes.push(unknown);
    assert.equal((await within(30_000, 'kefu to refuse an unknown key', unknown.exited)).code, 1);
    assert.match(unknown.stderr, /unknown setting "httpport"; known: dataDir, /);
  });

  it('lists every setting in `kefu --help`, through bin/kefu.mjs and through npx', () => {
    const direct = spawnSync(process.execPath, ['bin/kefu.mjs', '--help'], { cwd: projectRoot, encoding: 'utf8', timeout: 30_000 });
    assert.equal(direct.status, 0, direct.stderr);
    for (const name of settingNames) assert.match(direct.stdout, new RegExp(`^\\s+${name}\\s`, 'm'), `--help lists ${name}`);

    // npx finds the project's own bin; offline, with a dead registry, to prove it never downloads.
    const npx = spawnSync('npx', ['kefu', '--help'], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: nodeEnvironment({ npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/', npm_config_update_notifier: 'false' }),
    });
    assert.equal(npx.status, 0, npx.stderr);
    assert.equal(npx.stdout, direct.stdout);
  });
});
