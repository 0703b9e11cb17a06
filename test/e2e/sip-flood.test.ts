/**
 * SIP flood protection against real peers: an address sending thousands of REGISTERs with bad
 * passwords is blocked, logged and counted while another still registers; a carrier at a trusted
 * address is served far beyond the rate limit.
 *
 * The PostgreSQL pass leaves this file out: it tests SIP and media, which do not touch the
 * database beyond the node's start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, freePort, KefuNode, projectRoot } from './kefu-node.js';
import { sipp } from './sipp.js';

const password = 'demo-secret-1';

describe('SIP flood protection with a real peer', () => {
  let database: TestDatabase;
  let node: KefuNode;

  before(async () => {
    buildDist();
    database = await testDatabase();
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password }, projectRoot);
    await node.ready();
  });
  after(async () => {
    await node.stop('SIGKILL');
    await database.drop();
  });

  it('5,000 REGISTERs with bad passwords from one address: blocked, logged, counted; another address still registers', async () => {
    const target = `127.0.0.1:${node.sipPort}`;
    // The flood: sipp's calls fail once the source is ignored, which is the point.
    await sipp(target, {
      scenario: 'register',
      expect: 401,
      fields: ['1001;demo'],
      port: await freePort(),
      extra: ['-au', '1001', '-ap', 'guess', '-m', '5000', '-r', '1000', '-l', '500', '-recv_timeout', '1000', '-timeout', '20'],
      timeoutMs: 40_000,
    });
    await node.output(/SIP source 127\.0\.0\.1 blocked/);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    const blocked = /kefu_sip_security_events_total\{reason="(request-flood|auth-failures)"\} (\d+)/.exec(metrics);
    assert.ok(blocked !== null && Number(blocked[2]) >= 1, metrics.split('\n').filter((l) => l.includes('security')).join('\n'));

    const stillBlocked = await sipp(target, { scenario: 'options', port: await freePort(), extra: ['-recv_timeout', '1500'] });
    assert.notEqual(stillBlocked.code, 0, 'the flooding address gets no answer during its cooling period');

    const good = await sipp(target, {
      scenario: 'register',
      expect: 200,
      fields: ['1002;demo'],
      port: await freePort(),
      extra: ['-i', '127.0.0.2', '-au', '1002', '-ap', password],
    });
    assert.equal(good.code, 0, good.errors);
  });
});

describe('trusted SIP sources with a real peer', () => {
  let database: TestDatabase;
  let node: KefuNode;

  before(async () => {
    buildDist();
    database = await testDatabase();
    node = await KefuNode.start(
      { KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_RATE_LIMIT: '5', KEFU_SIP_TRUSTED: '127.0.0.2' },
      projectRoot,
    );
    await node.ready();
  });
  after(async () => {
    await node.stop('SIGKILL');
    await database.drop();
  });

  it('a carrier at a trusted address sends far beyond the rate limit and is served; an untrusted neighbour is blocked', async () => {
    const target = `127.0.0.1:${node.sipPort}`;
    const flood = ['-m', '300', '-r', '150', '-l', '300', '-recv_timeout', '2000', '-timeout', '20'];
    const carrier = await sipp(target, { scenario: 'options', port: await freePort(), extra: ['-i', '127.0.0.2', ...flood], timeoutMs: 40_000 });
    assert.equal(carrier.code, 0, carrier.errors);
    const neighbour = await sipp(target, { scenario: 'options', port: await freePort(), extra: ['-i', '127.0.0.1', ...flood], timeoutMs: 40_000 });
    assert.notEqual(neighbour.code, 0, 'the untrusted address went beyond 5 requests/s and was ignored');
    await node.output(/SIP source 127\.0\.0\.1 blocked/);
  });
});
