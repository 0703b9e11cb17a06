/**
 * A real softphone calls the demo hotline 12345 and uses menu 1 (issue 5's must-show): baresip
 * dials, Kefu answers with the bureau's greeting, baresip keys 1 (RFC 4733), Kefu reads out the
 * policy menu; the CDR's trace shows the key and what was said.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Baresip } from './baresip.js';
import { finishedCdr } from './cdr.js';
import { nodeApi } from './node-api.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { buildDist, freePort, KefuNode } from './kefu-node.js';

const password = 'demo-secret-1';

describe('[B2] baresip calls the demo hotline', () => {
  let node: KefuNode;
  let phone: Baresip;
  let folder: string;
  let database: TestDatabase;

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-baresip-call-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    // The phone's microphone: a minute of quiet, so that it sends RTP (and with it RFC 4733 keys).
    const microphone = join(folder, 'microphone.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', microphone, 'synth', '60', 'sine', '300', 'vol', '0.01']);
    phone = await Baresip.start({ sipPort: await freePort(), controlPort: await freePort(), audioFile: microphone });
  });
  after(async () => {
    await phone.stop();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('dials 12345, keys 1 and hears the policy menu', async () => {
    const cookie = (await nodeApi(node.url, 'demo', 'admin', password)).cookie;
    const put = await fetch(`${node.url}/api/v1/call-settings`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 0, scheduleMode: 'day' }),
    });
    assert.equal(put.status, 200);

    const aor = `sip:1001@127.0.0.1:${node.sipPort}`;
    await phone.command('uanew', `<${aor}>;auth_pass=${password};regint=600`);
    await phone.event('REGISTER_OK', { failures: ['REGISTER_FAIL'] });
    const from = phone.events.length;
    await phone.command('dial', `sip:12345@127.0.0.1:${node.sipPort}`);
    await phone.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 10_000 });
    await delay(3000);
    const sent = await phone.command('sndcode', '1');
    assert.ok(sent.ok, sent.data);
    await delay(6000);
    await phone.command('hangup');
    await phone.event('CALL_CLOSED', { from, timeoutMs: 10_000 });

    const cdr = await finishedCdr(node.url, cookie, 'called=12345');
    const keys = cdr?.trace.filter((e) => e.event === 'keys').map((e) => e.digits);
    assert.deepEqual(keys, ['1'], `${JSON.stringify(cdr?.trace)}\n${phone.output.slice(-3000)}`);
    const said = cdr!.trace.filter((e) => e.event === 'said').map((e) => e.text);
    assert.equal(said[0], '您好，欢迎致电示范科技局科技服务热线。');
    assert.ok(said.some((t) => t?.startsWith('高新技术企业认定请按1')), JSON.stringify(said));
    assert.deepEqual([cdr?.cause, cdr?.endedBy], ['normal_clearing', 'caller']);
  });
});
