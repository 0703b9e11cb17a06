/**
 * A contact centre for the routing end-to-end tests: a Kefu node on a fresh database with the
 * demo tenant, agents whose SIPp phones registered with digest and who act through the API, and
 * SIPp callers. Who got which caller is read from the call's CDR legs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { finishedCdr, type Cdr } from './cdr.js';
import { ivrScenario, type IvrStep } from './ivr-scenario.js';
import { buildDist, freeMediaPort, freePort, KefuNode } from './kefu-node.js';
import { nodeApi, type NodeApi } from './node-api.js';
import { runSipp, sipp, type SippRun } from './sipp.js';

/** A phone scenario (phone-scenarios.ts): how the agent's phone treats what Kefu sends it. */
export type PhoneScenario = (extension: string, rtpPort: number) => string;

interface Agent {
  api: NodeApi;
  port: number;
  id: string;
  peer: RtpPeer;
}

export interface CallerOptions {
  /** The number dialled (default the demo hotline 12345). */
  called?: string;
  /** What the caller does before waiting (default none). */
  steps?: IvrStep[];
  /** How long the caller stays after the steps; `kefu`: until Kefu hangs up. */
  stayMs: number | 'kefu';
}

export class AcdCentre {
  readonly agents: Record<string, Agent> = {};

  private constructor(
    readonly node: KefuNode,
    readonly admin: NodeApi,
    readonly password: string,
    private readonly database: TestDatabase,
    private readonly folder: string,
  ) {}

  /** A node whose demo accounts all have `password`, open all day, SIP digest with MD5 (SIPp's). */
  static async start(password: string): Promise<AcdCentre> {
    buildDist();
    const database = await testDatabase();
    const folder = mkdtempSync(join(tmpdir(), 'kefu-acd-'));
    const node = await KefuNode.start({ KEFU_DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, KEFU_DEMO_PASSWORD: password, KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, folder);
    // Generous: a loaded machine may take a minute to start a node on a fresh embedded database.
    await node.ready();
    const admin = await nodeApi(node.url, 'demo', 'admin', password);
    await admin.request('PUT', '/call-settings', { version: 0, scheduleMode: 'day' });
    return new AcdCentre(node, admin, password, database, folder);
  }

  /** Registers agent `extension`'s phone with digest and logs the agent in to the API (not yet into routing). */
  async addAgent(extension: string): Promise<void> {
    const port = await freePort();
    const registered = await sipp(`127.0.0.1:${this.node.sipPort}`, { scenario: 'register', expect: 200, fields: [`${extension};demo`], port, extra: ['-au', extension, '-ap', this.password] });
    assert.equal(registered.code, 0, registered.errors);
    const api = await nodeApi(this.node.url, 'demo', extension, this.password);
    const me = (await api.request('GET', '/agents/me/state')).json as { agent: string; state: string };
    assert.equal(me.state, 'logged_out');
    this.agents[extension] = { api, port, id: me.agent, peer: await RtpPeer.open({ codec: 'PCMU' }) };
  }

  async stop(): Promise<void> {
    for (const agent of Object.values(this.agents)) agent.peer.close();
    await this.node.stop('SIGTERM');
    rmSync(this.folder, { recursive: true, force: true });
    await this.database.drop();
  }

  /** Runs agent `extension`'s phone for `calls` calls with `scenario`, or until `stop` aborts. */
  phone(extension: string, scenario: PhoneScenario, calls: number, stop?: AbortSignal): Promise<SippRun> {
    const { port, peer } = this.agents[extension]!;
    return runSipp(['-sf', 'phone.xml', '-p', String(port), '-m', String(calls), '-trace_err', '-nostdin', '-timeout', '90'], { 'phone.xml': scenario(extension, peer.port) }, 100_000, stop);
  }

  /** A caller from `number`; resolves when the call is over, failing if SIPp did. */
  async caller(number: string, options: CallerOptions): Promise<SippRun> {
    const peer = await RtpPeer.open({ codec: 'PCMU' });
    const run = await runSipp(
      [`127.0.0.1:${this.node.sipPort}`, '-sf', 'scenario.xml', '-inf', 'fields.csv', '-p', String(await freePort()), '-mp', String(await freeMediaPort()), '-m', '1', '-trace_err', '-nostdin', '-timeout', '90'],
      {
        'scenario.xml': ivrScenario({ caller: number, steps: options.steps ?? [], end: options.stayMs === 'kefu' ? 'kefu' : { byeAfterMs: options.stayMs } }),
        'fields.csv': `SEQUENTIAL\n${options.called ?? '12345'};${peer.port}\n`,
      },
      100_000,
    );
    peer.close();
    assert.equal(run.code, 0, `${number}: ${run.errors}\n${this.node.stdout.slice(-3000)}`);
    return run;
  }

  /** Every leg of the last call from `number` to `called`. */
  async legsOf(number: string, called = '12345'): Promise<Cdr[]> {
    const main = await finishedCdr(this.node.url, this.admin.cookie, `caller=${number}&called=${called}`);
    await delay(300);
    return ((await this.admin.request('GET', `/cdrs?call_id=${main.callId}`)).json as { items: Cdr[] }).items;
  }

  /** The extensions that answered the last call from `number`. */
  async answeredBy(number: string, called = '12345'): Promise<string[]> {
    return (await this.legsOf(number, called)).filter((leg) => leg.leg === 'callee' && leg.answeredAt !== null).map((leg) => leg.target!);
  }

  async state(extension: string): Promise<{ state: string; reason: string | null }> {
    return (await this.agents[extension]!.api.request('GET', '/agents/me/state')).json as { state: string; reason: string | null };
  }

  /** Agent `extension` changes their state (`{ action: 'ready' }` …); it must be accepted. */
  async act(extension: string, body: object): Promise<void> {
    const answer = await this.agents[extension]!.api.request('POST', '/agents/me/state', body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  }

  /** Polls `test` until it holds; fails after `timeoutMs` naming `what`. */
  async until(what: string, test: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await test())) {
      if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
      await delay(100);
    }
  }
}
