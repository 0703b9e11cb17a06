import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Store } from '../../src/store/index.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { EventWatch } from '../helpers/event-watch.js';
import { digestAuthorization, sipRequest, SipClient } from '../helpers/sip-client.js';
import { selfSignedCertificate, type TestCertificate } from '../helpers/tls-certificate.js';
import { buildDist, freePort, KefuNode, projectRoot, within } from './kefu-node.js';

const password = 'demo-secret-1';

/** REGISTER of 1001 in the demo centre: 401, then 200 with digest. */
async function register(client: SipClient, transport: string, contact: string): Promise<number> {
  const request = (cseq: number, authorization?: string) =>
    sipRequest({
      method: 'REGISTER',
      uri: 'sip:demo',
      transport,
      user: '1001',
      domain: 'demo',
      callId: `e2e-${transport}`,
      cseq,
      headers: [`Contact: ${contact}`, 'Expires: 300', 'User-Agent: kefu-e2e', ...(authorization ? [`Authorization: ${authorization}`] : [])],
    });
  client.send(request(1));
  const challenge = await client.response();
  assert.equal(challenge.status, 401);
  client.send(request(2, digestAuthorization(challenge.headers.get('www-authenticate') ?? '', '1001', password, 'REGISTER', 'sip:demo')));
  return (await client.response()).status;
}

/** The session cookie of the demo centre's supervisor. */
async function leadCookie(url: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', username: 'lead', password }),
  });
  assert.equal(login.status, 200);
  return (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

describe('a Kefu node speaks SIP over WebSocket on its HTTP port, and over TLS and WSS with a certificate', () => {
  let database: TestDatabase;
  let certificate: TestCertificate;
  let node: KefuNode;
  let tlsPort: number;
  let wssPort: number;

  before(async () => {
    buildDist();
    database = await testDatabase();
    certificate = selfSignedCertificate();
    tlsPort = await freePort();
    wssPort = await freePort();
    node = await KefuNode.start(
      {
        KEFU_DATA_DIR: database.dataDir,
        DATABASE_URL: database.databaseUrl,
        KEFU_DEMO_PASSWORD: password,
        KEFU_SIP_TLS_CERT: certificate.certPath,
        KEFU_SIP_TLS_KEY: certificate.keyPath,
        KEFU_SIP_TLS_PORT: String(tlsPort),
        KEFU_SIP_WS_PORT: String(wssPort),
      },
      projectRoot,
    );
    await node.ready();
  });
  after(async () => {
    await node.stop('SIGKILL');
    await database.drop();
    certificate.remove();
  });

  it('says where in its banner', async () => {
    const banner = await node.output(/WebSocket/);
    assert.match(banner, new RegExp(`WebSocket ws://127\\.0\\.0\\.1:\\d+/sip`));
    assert.match(banner, new RegExp(`tls 127\\.0\\.0\\.1:${tlsPort}`));
    assert.match(banner, new RegExp(`wss://127\\.0\\.0\\.1:${wssPort}/`));
  });

  it('answers OPTIONS and registers 1001 over WebSocket at /sip, beside the API', async () => {
    const client = await SipClient.webSocket(`${node.url.replace('http', 'ws')}/sip`);
    client.send(sipRequest({ method: 'OPTIONS', uri: 'sip:demo', transport: 'WS' }));
    assert.equal((await client.response()).status, 200);
    assert.equal((await fetch(`${node.url}/healthz`)).status, 200, 'the API still serves on the same port');
    assert.equal(await register(client, 'WS', '<sip:abc123@df7jal23ls0d.invalid;transport=ws>'), 200);
    client.end();
  });

  it('refuses other subprotocols and leaves other paths unanswered as 404', async () => {
    await assert.rejects(SipClient.webSocket(`${node.url.replace('http', 'ws')}/sip`, { protocols: ['chat'] }), /Unexpected server response: 400/);
    await assert.rejects(SipClient.webSocket(`${node.url.replace('http', 'ws')}/api/v1`), /Unexpected server response: 404/);
  });

  it('carries the event stream at /api/v1/events on the same port, and SIP only at /sip', async () => {
    const events = await EventWatch.open(`${node.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: await leadCookie(node.url) } });
    const [hello] = await events.take(1);
    assert.equal(hello!.type, 'hello');
    events.close();
    await assert.rejects(SipClient.webSocket(`${node.url.replace('http', 'ws')}/api/v1/events`), /Unexpected server response: 404/, 'a SIP client is not taken there');
  });

  it('registers 1001 over TLS, and answers over WSS on its own port', async () => {
    const tls = await SipClient.tls(tlsPort, certificate.cert);
    assert.equal(await register(tls, 'TLS', '<sip:1001@127.0.0.1:5999;transport=tls>'), 200);
    tls.end();
    const wss = await SipClient.webSocket(`wss://127.0.0.1:${wssPort}/`, { ca: certificate.cert });
    wss.send(sipRequest({ method: 'OPTIONS', uri: 'sips:demo', transport: 'WSS' }));
    assert.equal((await wss.response()).status, 200);
    wss.end();
  });

  it('stops cleanly on SIGTERM with a WebSocket and an event stream open; a closed WebSocket took its binding with it', async () => {
    const client = await SipClient.webSocket(`${node.url.replace('http', 'ws')}/sip`);
    const events = await EventWatch.open(`${node.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: await leadCookie(node.url) } });
    assert.equal((await node.stop('SIGTERM')).code, 0);
    assert.equal((await events.ended()).code, 1001, 'the stream is told the server is going away');
    await within(5000, 'the WebSocket to close', new Promise<void>((resolve) => (client.closed ? resolve() : client.socket.once('close', () => resolve()))));
    const store = await Store.open({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      const demo = await store.repos.tenants.bySlug('demo');
      const bindings = await store.repos.sipBindings.live(demo?.id as string, '1001', new Date());
      // RFC 7118 §5: nothing reaches a WebSocket client once its connection closed, so the binding
      // registered over WS above went with it; the TLS one stays, naming its transport.
      assert.deepEqual(bindings.map((b) => b.source.split(':')[0]).sort(), ['tls']);
    } finally {
      await store.close();
    }
  });
});

describe('a Kefu node with a TLS certificate it cannot use', () => {
  it('does not start, and says which setting is wrong', async () => {
    buildDist();
    const certificate = selfSignedCertificate();
    try {
      for (const [settings, message] of [
        [{ KEFU_SIP_TLS_CERT: `${certificate.certPath}.missing`, KEFU_SIP_TLS_KEY: certificate.keyPath }, /KEFU_SIP_TLS_CERT=.*\.missing cannot be read/],
        [{ KEFU_SIP_TLS_CERT: certificate.keyPath, KEFU_SIP_TLS_KEY: certificate.certPath }, /KEFU_SIP_TLS_CERT and KEFU_SIP_TLS_KEY are not a PEM certificate and its key/],
        [{ KEFU_SIP_TLS_CERT: certificate.certPath }, /KEFU_SIP_TLS_KEY is missing/],
      ] as const) {
        const node = await KefuNode.start({ ...settings, KEFU_DATA_DIR: certificate.certPath.replace(/cert\.pem$/, 'data') }, projectRoot);
        const exit = await within(60_000, 'kefu to refuse to start', node.exited);
        assert.equal(exit.code, 1);
        assert.match(node.stderr, message);
        assert.doesNotMatch(node.stderr, /\n\s+at /, 'no stack trace');
      }
    } finally {
      certificate.remove();
    }
  });
});
