/**
 * Calls from agents' own phones: agent 1001 (a SIPp phone) dials extension 1002 (baresip,
 * speaking 1004 Hz) through Kefu after answering the 407 challenge (RFC 3261 §22.3); and a phone
 * transfers its caller attended: it consults 1002 in a call of its own, then REFERs the caller
 * with Replaces naming that call (RFC 3891, RFC 5589 §7), and the caller talks to 1002.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { dominantTone, RtpPeer } from '../helpers/rtp-peer.js';
import { Baresip } from './baresip.js';
import { finishedCdr } from './cdr.js';
import { ivrScenario } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { calling, transferringAttended } from './phone-scenarios.js';
import { runSipp, sipp } from './sipp.js';

const password = 'demo-phones-1';

describe('[E2] calls from agents\' phones', () => {
  let node: KefuNode;
  let callee: Baresip;
  let folder: string;
  let database: TestDatabase;
  let admin: NodeApi;

  /** Registers 1001 from a new port, as a phone does; the port is where its calls come from. */
  async function phone1001(): Promise<number> {
    const port = await freePort();
    const registered = await sipp(`127.0.0.1:${node.sipPort}`, { scenario: 'register', expect: 200, fields: ['1001;demo'], port, extra: ['-au', '1001', '-ap', password] });
    assert.equal(registered.code, 0, registered.errors);
    return port;
  }

  /** What a SIPp scenario wrote to `file`, once it has. */
  async function written(file: string): Promise<string> {
    for (let waited = 0; !existsSync(file) || statSync(file).size === 0; waited += 50) {
      if (waited > 20_000) assert.fail(`nothing was written to ${file}`);
      await delay(50);
    }
    return readFileSync(file, 'utf8');
  }

  /** An INFO to the phone at `port` in its call `callId`, carrying the dialog its REFER is to replace. */
  async function tellToTransfer(port: number, callId: string, consult: string): Promise<void> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const info = [
      `INFO sip:1001@127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${socket.address().port};branch=z9hG4bK-test-${Date.now()}`,
      'From: <sip:test@127.0.0.1>;tag=test',
      'To: <sip:1001@127.0.0.1>',
      `Call-ID: ${callId}`,
      'CSeq: 1 INFO',
      `X-Replaces: ${encodeURIComponent(consult)}`,
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    await new Promise<void>((resolve, reject) => socket.send(info, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    socket.close();
  }

  /** Whether `peer` heard mostly 1004 Hz in some second after sample `from`. */
  const heard1004 = (peer: RtpPeer, from = 0) => {
    const heard = Int16Array.from(peer.heard.slice(from));
    return Array.from({ length: Math.floor(heard.length / 8000) }, (_, i) => dominantTone(heard.subarray(i * 8000, (i + 1) * 8000))).some((w) => Math.abs(w.hz - 1004) <= 5 && w.dbfs > -30);
  };

  before(async () => {
    buildDist();
    database = await testDatabase();
    folder = mkdtempSync(join(tmpdir(), 'kefu-phone-calls-'));
    node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    await node.ready();
    admin = await nodeApi(node.url, 'demo', 'admin', password);
    const microphone = join(folder, 'callee.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', microphone, 'synth', '120', 'sine', '1004', 'vol', '0.5']);
    callee = await Baresip.start({ sipPort: await freePort(), controlPort: await freePort(), audioFile: microphone });
    await callee.command('uanew', `<sip:1002@127.0.0.1:${node.sipPort}>;auth_pass=${password};regint=600;answermode=auto`);
    await callee.event('REGISTER_OK', { failures: ['REGISTER_FAIL'] });
    // A number whose flow puts callers through to 1001, as a direct line would.
    const draft = { start: 'agent', nodes: { agent: { type: 'dial', targets: ['1001'], exits: { next: 'end', fail: 'end' } }, end: { type: 'hangup' } } };
    const flow = await admin.request('POST', '/flows', { name: 'line-1001', draft });
    assert.equal(flow.status, 201, JSON.stringify(flow.json));
    assert.equal((await admin.request('POST', `/flows/${flow.json.id}/publish`, { version: flow.json.version })).status, 200);
    assert.equal((await admin.request('POST', '/numbers', { number: '12377', kind: 'direct', bindings: [{ service: 'line', flow: 'line-1001' }] })).status, 201);
  });
  after(async () => {
    await callee.stop();
    await node.stop('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it('1001\'s phone answers the 407 and reaches extension 1002; both hear each other; the CDR says who called whom', async () => {
    const port = await phone1001();
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const from = callee.events.length;
    const run = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'phone.xml', '-p', String(port), '-m', '1', '-au', '1001', '-ap', password, '-trace_err', '-nostdin', '-timeout', '60'],
      { 'phone.xml': calling('1001', '1002', peer.port) },
      90_000,
    );
    await callee.event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 20_000 });
    while (peer.sources.size === 0) await delay(20);
    peer.playBack(700, 8000);
    // baresip's audio may start seconds after the answer on a loaded machine: wait for it.
    await peer.untilTone(1004, 20_000);
    await callee.command('hangup');
    const result = await run;
    peer.stop();
    peer.close();
    assert.equal(result.code, 0, `${result.errors}\n${node.stdout.slice(-2000)}`);
    const cdr = await finishedCdr(node.url, admin.cookie, 'caller=1001&called=1002');
    assert.deepEqual([cdr?.direction, cdr?.cause], ['outbound', 'normal_clearing']);
    assert.ok(cdr.answeredAt !== null, JSON.stringify(cdr));
  });

  it('a call to an extension with no phone is not answered in its CDR, which says why', async () => {
    const port = await phone1001();
    const run = await runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'phone.xml', '-p', String(port), '-m', '1', '-au', '1001', '-ap', password, '-trace_err', '-nostdin', '-timeout', '60'],
      { 'phone.xml': calling('1001', '1009', await freePort()) },
      90_000,
    );
    assert.equal(run.code, 0, run.errors);
    const cdr = await finishedCdr(node.url, admin.cookie, 'caller=1001&called=1009');
    assert.deepEqual([cdr.answeredAt, cdr.cause, cdr.endedBy], [null, 'no_route_destination', 'callee'], JSON.stringify(cdr));
  });

  it('a wrong password is challenged again and never reaches 1002', async () => {
    const port = await phone1001();
    const from = callee.events.length;
    const run = await runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'phone.xml', '-p', String(port), '-m', '1', '-au', '1001', '-ap', 'not-the-password', '-recv_timeout', '5000', '-trace_err', '-nostdin', '-timeout', '10'],
      { 'phone.xml': calling('1001', '1002', await freePort()) },
      30_000,
    );
    assert.notEqual(run.code, 0);
    await node.output(/SIP authentication of an INVITE failed/);
    assert.equal(callee.events.slice(from).filter((e) => e.type === 'CALL_INCOMING').length, 0);
  });

  it('1001 consults 1002 from its phone, then transfers its caller attended (REFER with Replaces): the caller talks to 1002', async () => {
    const port = await phone1001();
    const [agentCallFile, consultDialogFile] = [join(folder, 'agent-call'), join(folder, 'consult-dialog')];
    const agentPeer = await RtpPeer.open({ codec: 'PCMU' });
    const consultPeer = await RtpPeer.open({ codec: 'PCMU' });
    const callerPeer = await RtpPeer.open({ codec: 'PCMU' });
    const agent = runSipp(
      ['-sf', 'phone.xml', '-p', String(port), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'phone.xml': transferringAttended('1001', agentPeer.port, '1002', agentCallFile, { host: '127.0.0.1', port: node.sipPort }) },
      90_000,
    );
    const caller = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '60'],
      { 'scenario.xml': ivrScenario({ caller: '13800138301', steps: [], end: { byeAfterMs: 20_000 } }), 'fields.csv': `SEQUENTIAL\n12377;${callerPeer.port}\n` },
      90_000,
    );
    // Like phones, the caller and the agent send audio all call long.
    while (callerPeer.sources.size === 0) await delay(20);
    callerPeer.playBack(500, 8000);
    for (let waited = 0; agentPeer.sources.size === 0; waited += 20) {
      if (waited > 15_000) assert.fail(`the agent's phone got no call:\n${node.stdout.slice(-4000)}`);
      await delay(20);
    }
    agentPeer.playBack(700, 8000);
    // The agent's phone calls 1002 from a second line (a binding of its own) while the caller waits.
    const line2 = await phone1001();
    const from = callee.events.length;
    const consult = runSipp(
      [`127.0.0.1:${node.sipPort}`, '-sf', 'phone.xml', '-p', String(line2), '-m', '1', '-au', '1001', '-ap', password, '-trace_err', '-nostdin', '-timeout', '60'],
      { 'phone.xml': calling('1001', '1002', consultPeer.port, consultDialogFile) },
      90_000,
    );
    await callee
      .event('CALL_ESTABLISHED', { from, failures: ['CALL_CLOSED'], timeoutMs: 40_000 })
      .catch((error: Error) => assert.fail(`the consult call did not ring 1002: ${error.message}\n${node.stdout.slice(-3000)}`));
    // Like an agent, the phone transfers once it talks to 1002 (hears its 1004 Hz), not at baresip's answer.
    for (let waited = 0; !heard1004(consultPeer); waited += 50) {
      if (waited > 20_000) assert.fail(`the consult call did not reach 1002:\n${node.stdout.slice(-3000)}`);
      await delay(50);
    }
    // The phone transfers, naming its consult dialog by Call-ID and both tags (RFC 3891 §3).
    await tellToTransfer(port, await written(agentCallFile), await written(consultDialogFile));
    const agentResult = await agent;
    const transferredAt = callerPeer.heard.length;
    const consultResult = await consult;
    assert.equal(agentResult.code, 0, `the transferring phone: ${agentResult.errors}\n${node.stdout.slice(-3000)}`);
    assert.equal(consultResult.code, 0, `the consult call was not ended by Kefu: ${consultResult.errors}`);
    const callerResult = await caller;
    for (const peer of [agentPeer, consultPeer, callerPeer]) peer.close();
    assert.equal(callerResult.code, 0, callerResult.errors);
    assert.ok(heard1004(callerPeer, transferredAt), 'the caller did not hear 1002 after the transfer');
    await callee.event('CALL_CLOSED', { from, timeoutMs: 10_000 });
  });
});
