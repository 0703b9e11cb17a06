import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { finishedCdr } from './cdr.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { runSipp } from './sipp.js';

const password = 'demo-password-1';

const bye = `<send retrans="500">
    <![CDATA[
      BYE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`;

describe('[A2][B10] inbound routing over SIP', () => {
  let node: KefuNode;
  let folder: string;
  let database: TestDatabase;
  const admins = new Map<string, NodeApi>();

  const admin = async (tenant: string) => {
    if (!admins.has(tenant)) admins.set(tenant, await nodeApi(node.url, tenant, 'admin', password));
    return admins.get(tenant)!;
  };
  const api = async (tenant: string, method: string, path: string, body?: unknown) => (await admin(tenant)).request(method, path, body);

  /** One call by SIPp: `extra` is one header line; the call must end on `expect`. */
  async function call(number: string, expect: number, options: { caller?: string; extra?: string } = {}) {
    const answered = expect === 200;
    const scenario = readFileSync(new URL('scenarios/invite-answered.xml', import.meta.url), 'utf8')
      .replaceAll('__EXPECT__', String(expect))
      // RFC 3261 §17.1.1.3: the ACK of a non-2xx has the INVITE's branch; of a 2xx, a new one.
      .replace('__ACK_BRANCH__', answered ? '[branch]' : '[branch-3]')
      .replace('__LISTEN__', answered ? '3000' : '0')
      .replace('__BYE__', answered ? bye : '');
    const run = await runSipp(
      [
        `127.0.0.1:${node.sipPort}`,
        '-sf', 'scenario.xml', '-inf', 'fields.csv',
        '-key', 'caller', options.caller ?? '13700137000',
        '-key', 'extra', options.extra ?? 'Subject: test',
        '-p', String(await freePort()), '-mp', String(await freeMediaPort()),
        '-m', '1', '-trace_err', '-nostdin', '-timeout', '30',
      ],
      { 'scenario.xml': scenario, 'fields.csv': `SEQUENTIAL\n${number};\n` },
      60_000,
    );
    assert.equal(run.code, 0, `${number} ${options.extra ?? ''}: ${run.errors}\n${node.stdout.slice(-2000)}`);
  }

  const lastCdr = async (tenant: string) => finishedCdr(node.url, (await admin(tenant)).cookie);

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-routing-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, folder);
    await node.ready();
  });
  after(async () => {
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it("a call to the access number with Diversion runs acme's flow; with History-Info too", async () => {
    await call('+8675500000000', 200, { extra: 'Diversion: <sip:+8675588880000@pbx.acme.example>' });
    let cdr = await lastCdr('acme');
    assert.equal(cdr?.originalCalled, '+8675588880000');
    assert.equal(cdr?.called, '+8675500000000');
    assert.match(cdr?.trace.find((e) => e.event === 'said')?.text ?? '', /艾克美贸易有限公司/);

    await call('+8675500000000', 200, { extra: 'History-Info: <sip:+8675588880000@pbx.acme.example>;index=1, <sip:+8675500000000@kefu.example>;index=1.1' });
    cdr = await lastCdr('acme');
    assert.equal(cdr?.originalCalled, '+8675588880000');
    const all = await api('acme', 'GET', '/cdrs');
    assert.equal(all.json.total, 2);
  });

  it('a call to an unknown number gets 404', async () => {
    await call('+8675599999999', 404);
    await node.output(/call to an unknown number/);
  });

  it("[B10] a blacklisted caller is refused as the tenant's policy says; a whitelisted one passes", async () => {
    const listed = await api('demo', 'POST', '/caller-lists', { list: 'blacklist', number: '+8613900139000', match: 'exact', note: 'nuisance' });
    assert.equal(listed.status, 201, JSON.stringify(listed.json));
    await call('12345', 486, { caller: '13900139000' });
    const settings = await api('demo', 'PUT', '/call-settings', { version: 0, blacklistAction: 'reject-403', whitelistOnly: true });
    assert.equal(settings.status, 200, JSON.stringify(settings.json));
    await call('12345', 403, { caller: '13900139000' });
    await call('12345', 403, { caller: '13800138000' });
    await api('demo', 'POST', '/caller-lists', { list: 'whitelist', number: '+8613800138000', match: 'exact', note: 'VIP' });
    await call('12345', 200, { caller: '13800138000' });
  });
});
