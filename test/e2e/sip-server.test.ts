import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Store } from '../../src/store/index.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, freePort, KefuNode, projectRoot } from './kefu-node.js';
import { sipp } from './sipp.js';

const password = 'demo-secret-1';

describe('SIP server with real peers (SIPp)', () => {
  let database: TestDatabase;
  let node: KefuNode;
  let target: string;

  before(async () => {
    buildDist();
    database = await testDatabase();
    node = await KefuNode.start(
      { KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_LOG_LEVEL: 'info' },
      projectRoot,
    );
    await node.ready();
    target = `127.0.0.1:${node.sipPort}`;
  });
  after(async () => {
    await node.stop('SIGKILL');
    await database.drop();
  });

  it('answers OPTIONS over UDP and TCP', async () => {
    for (const transport of ['u1', 't1'] as const) {
      const run = await sipp(target, { scenario: 'options', port: await freePort(), transport });
      assert.equal(run.code, 0, run.errors);
    }
  });

  it('[A4] registers agent 1001 with digest authentication over UDP and TCP, and keeps the binding', async () => {
    for (const transport of ['u1', 't1'] as const) {
      const port = await freePort();
      const run = await sipp(target, {
        scenario: 'register',
        expect: 200,
        fields: ['1001;demo'],
        port,
        transport,
        extra: ['-au', '1001', '-ap', password],
      });
      assert.equal(run.code, 0, run.errors);
    }
  });

  it('a wrong password gets 401 again, never 200', async () => {
    const run = await sipp(target, {
      scenario: 'register',
      expect: 401,
      fields: ['1001;demo'],
      port: await freePort(),
      extra: ['-au', '1001', '-ap', 'not-the-password'],
    });
    assert.equal(run.code, 0, run.errors);
  });

  it('an unknown extension is challenged like a known one and refused the same way', async () => {
    const run = await sipp(target, {
      scenario: 'register',
      expect: 401,
      fields: ['7777;demo'],
      port: await freePort(),
      extra: ['-au', '7777', '-ap', password],
    });
    assert.equal(run.code, 0, run.errors);
  });

  it("480 for an agent's extension nobody answers yet, 404 and a log line for an unknown number", async () => {
    const known = await sipp(target, { scenario: 'invite-refused', expect: 480, fields: ['1002;127.0.0.1'], port: await freePort() });
    assert.equal(known.code, 0, known.errors);
    const unknown = await sipp(target, { scenario: 'invite-refused', expect: 404, fields: ['99999;127.0.0.1'], port: await freePort() });
    assert.equal(unknown.code, 0, unknown.errors);
    await node.output(/call to an unknown number/);
  });

  it('bindings are kept in the database: after the node stops they are still there', async () => {
    assert.equal((await node.stop('SIGTERM')).code, 0);
    const store = await Store.open({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      const demo = await store.repos.tenants.bySlug('demo');
      const bindings = await store.repos.sipBindings.live(demo?.id as string, '1001', new Date());
      assert.deepEqual(bindings.map((b) => b.source.split(':')[0]).sort(), ['tcp', 'udp'], 'one binding per transport');
      assert.ok(bindings.every((b) => b.userAgent === 'sipp-kefu-test'));
    } finally {
      await store.close();
    }
  });
});
