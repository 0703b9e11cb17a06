/**
 * Key 0 on the demo hotline reaches an agent through the `consultation` queue: baresip, registered as agent 1001 and answering by
 * itself, is rung, answers, and the caller hears its microphone through Kefu's bridge.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { Baresip } from './baresip.js';
import { finishedCdr } from './cdr.js';
import { nodeApi, readyAgent } from './node-api.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { refusing } from './phone-scenarios.js';
import { runSipp, sipp } from './sipp.js';

const password = 'demo-secret-1';

describe('[A4] a caller reaches an agent on a SIP phone', () => {
  let node: KefuNode;
  let phone: Baresip;
  let folder: string;
  let database: TestDatabase;
  let cookie: string;

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-agent-call-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    const microphone = join(folder, 'agent.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', microphone, 'synth', '60', 'sine', '700', 'vol', '0.5']);
    phone = await Baresip.start({ sipPort: await freePort(), controlPort: await freePort(), audioFile: microphone });
    cookie = (await nodeApi(node.url, 'demo', 'admin', password)).cookie;
    await fetch(`${node.url}/api/v1/call-settings`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 0, scheduleMode: 'day' }),
    });
  });
  after(async () => {
    await phone.stop();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('key 0 rings agent 1001, who answers; the caller hears the agent', async () => {
    await phone.command('uanew', `<sip:1001@127.0.0.1:${node.sipPort}>;auth_pass=${password};regint=600;answermode=auto`);
    await phone.event('REGISTER_OK', { failures: ['REGISTER_FAIL'] });
    await readyAgent(node.url, 'demo', '1001', password);

    const caller = await RtpPeer.open({ codec: 'PCMU' });
    const from = phone.events.length;
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138000', steps: [{ pauseMs: 1500, keys: '0' }], end: { byeAfterMs: 12_000 } }), 'fields.csv': `SEQUENTIAL\n12345;${caller.port}\n` },
      90_000,
    );
    while (caller.sources.size === 0) await delay(20);
    caller.playBack([], 0);
    await phone.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 20_000 });
    const answeredAt = caller.heard.length;
    const result = await run;
    caller.stop();
    caller.close();
    assert.equal(result.code, 0, `${result.errors}\n${node.stdout.slice(-2000)}`);
    await phone.event('CALL_CLOSED', { from, timeoutMs: 10_000 });

    const afterAnswer = Int16Array.from(caller.heard.slice(answeredAt + 8000));
    const tone = dominantTone(afterAnswer);
    process.stdout.write(`# caller heard ${tone.hz} Hz at ${tone.dbfs.toFixed(1)} dBFS from the agent\n`);
    assert.ok(Math.abs(tone.hz - 700) <= 4 && tone.dbfs > -20, `the caller did not hear the agent: ${JSON.stringify(tone)}`);
    const cdr = await finishedCdr(node.url, cookie, 'called=12345');
    assert.ok(cdr.trace.some((e) => e.event === 'note' && e.text === 'answered by 1001'), JSON.stringify(cdr.trace));
  });

  it('POST /calls rings agent 1001 and runs a flow on the call; GET /calls lists it; DELETE /calls hangs it up', async () => {
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${node.url}/api/v1${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const from = phone.events.length;
    const placed = await api('POST', '/calls', { to: '1001', flow: 'hotline' });
    assert.equal(placed.status, 201, await placed.clone().text());
    const { sipCallId } = (await placed.json()) as { sipCallId: string };
    await phone.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 10_000 });
    const live = (await (await api('GET', '/calls')).json()) as { items: { sipCallId: string; direction: string; called: string }[] };
    assert.deepEqual(live.items.map((c) => [c.sipCallId, c.direction, c.called]), [[sipCallId, 'outbound', '1001']]);
    await delay(2000);
    assert.equal((await api('DELETE', `/calls/${encodeURIComponent(sipCallId)}`)).status, 204);
    await phone.event('CALL_CLOSED', { from, timeoutMs: 10_000 });
    assert.deepEqual(((await (await api('GET', '/calls')).json()) as { items: unknown[] }).items, []);
    const cdr = await finishedCdr(node.url, cookie, `sip_call_id=${encodeURIComponent(sipCallId)}`);
    assert.equal(cdr.called, '1001');
    assert.deepEqual([cdr.cause, cdr.endedBy], ['normal_clearing', 'kefu']);
    assert.ok(cdr.trace.some((e) => e.event === 'said' && e.text === '您好，欢迎致电示范科技局科技服务热线。'), JSON.stringify(cdr.trace));

    const nobody = await api('POST', '/calls', { to: '1002', flow: 'hotline' });
    assert.equal(nobody.status, 400);
    assert.deepEqual(((await nobody.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path), ['to']);
  });

  it('a call placed by POST /calls that nobody answers still has its CDR: not answered, and why', async () => {
    const port = await freePort();
    const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: ['1002;demo'], port, extra: ['-au', '1002', '-ap', password] });
    assert.equal(registered.code, 0, registered.errors);
    const busy = runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'], { 'phone.xml': refusing('1002') }, 90_000);
    const placed = await fetch(`${node.url}/api/v1/calls`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ to: '1002', flow: 'hotline' }) });
    assert.deepEqual([placed.status, await placed.json()], [200, { answered: false }]);
    assert.equal((await busy).code, 0);
    const cdr = await finishedCdr(node.url, cookie, 'called=1002');
    assert.deepEqual(
      [cdr.leg, cdr.direction, cdr.answeredAt, cdr.cause, cdr.endedBy, cdr.sipStatus],
      ['caller', 'outbound', null, 'user_busy', 'callee', 486],
      JSON.stringify(cdr),
    );
  });
});
