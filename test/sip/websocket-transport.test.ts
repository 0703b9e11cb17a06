import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { describePeer, parseMessage, parsePeer, TransportLayer, type Message, type Peer, type SipAccounts, type SipServer } from '../../src/sip/index.js';
import { WebSocket } from 'ws';
import { FakeTimers } from '../helpers/fake-timers.js';
import { mutate, random } from '../helpers/sip-mutator.js';
import { digestAuthorization, sipRequest, SipClient } from '../helpers/sip-client.js';
import { MemoryLocation } from '../helpers/memory-location.js';
import { startSipServer } from '../helpers/sip-server.js';
import { INVITE, REGISTER } from './fixtures.js';
import { selfSignedCertificate, type TestCertificate } from '../helpers/tls-certificate.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** One account, 1001 in realm test, its bindings in memory. */
function accounts(location: MemoryLocation): SipAccounts {
  return {
    realm: async () => 'test',
    find: async (user) =>
      user !== '1001'
        ? undefined
        : {
            realm: 'test',
            ha1: { md5: md5('1001:test:secret-1001'), sha256: sha256('1001:test:secret-1001') },
            location,
          },
  };
}

const options = (): string => sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'WS' });

describe('SIP over WebSocket (RFC 7118)', () => {
  const clock = new FakeTimers();
  const location = new MemoryLocation();
  let sip: SipServer;
  let http: Server;
  let url: string;
  let certificate: TestCertificate;

  before(async () => {
    certificate = selfSignedCertificate();
    sip = await startSipServer(
      { onInvite: (_request, _transaction, respond) => respond(480) },
      {
        clock,
        accounts: accounts(location),
        transport: { websocket: { path: '/sip', pingIntervalMs: 30_000, port: 0 }, tls: { cert: certificate.cert, key: certificate.key, port: 0 } },
      },
    );
    // The HTTP server of the API, handing its upgrades over as main.ts does.
    http = createServer((_request, response) => response.end('api'));
    http.on('upgrade', (request, socket, head) => {
      if (!sip.acceptUpgrade(request, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/sip`;
  });
  after(async () => {
    await sip.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    certificate.remove();
  });

  it('MUST name the sip subprotocol in the handshake and answer OPTIONS with 200 on the same connection, received stamped', async () => {
    const client = await SipClient.webSocket(url);
    assert.equal(client.socket.protocol, 'sip');
    client.send(options());
    const response = await client.response();
    assert.equal(response.status, 200);
    const via = response.via[0];
    assert.equal(via?.transport, 'WS');
    assert.equal(via?.params.find((p) => p.name === 'received')?.value, '127.0.0.1', 'the .invalid sent-by gets received (RFC 3261 §18.2.1)');
    client.end();
  });

  it('MUST accept both text and binary frames (RFC 7118 §4.2), with or without Content-Length', async () => {
    const client = await SipClient.webSocket(url);
    client.socket.send(Buffer.from(options()), { binary: true });
    assert.equal((await client.response()).status, 200);
    const withoutLength = sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'WS', headers: ['Content-Length: 0'] }).replace('Content-Length: 0\r\n', '');
    assert.ok(!/content-length/i.test(withoutLength));
    client.send(withoutLength);
    assert.equal((await client.response()).status, 200);
    client.end();
  });

  it('refuses a handshake without the sip subprotocol (RFC 7118 §4.1, RFC 6455 §4.2.2)', async () => {
    for (const protocols of [['chat'], []]) {
      await assert.rejects(SipClient.webSocket(url, { protocols }), /Unexpected server response: 400/);
    }
  });

  it('leaves upgrades on other paths to the HTTP server', async () => {
    await assert.rejects(SipClient.webSocket(url.replace('/sip', '/events')), /Unexpected server response: 404/);
  });

  it('answers a malformed message with 400 and keeps the connection and the server serving', async () => {
    const client = await SipClient.webSocket(url);
    client.send(options().replace('Max-Forwards: 70', 'Max-Forwards: many'));
    assert.equal((await client.response()).status, 400);
    // The body is shorter than Content-Length says: 400 (RFC 7118 §5.1 frames by the WebSocket message).
    client.send(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'WS', headers: ['Content-Length: 10'], body: 'short' }));
    assert.equal((await client.response()).status, 400);
    // Two messages in one WebSocket message are one too many.
    client.send(options() + options());
    assert.equal((await client.response()).status, 400);
    client.send('\x00\xff garbage');
    client.send(options());
    assert.equal((await client.response()).status, 200);
    assert.equal(client.closed, false);
    client.end();
  });

  it('3,000 mutated messages in binary frames: 400s where possible, the connection kept, OPTIONS still answered', async () => {
    const socket = new WebSocket(url, ['sip']);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const statuses = new Map<number, number>();
    let okProbe = false;
    socket.on('message', (data: Buffer) => {
      const text = data.toString('latin1');
      const status = Number(/^SIP\/2\.0 (\d{3}) /.exec(text)?.[1] ?? 0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200 && text.includes('Call-ID: after-fuzz')) okProbe = true;
    });
    const next = random(0x57535350);
    const samples = [INVITE, REGISTER, Buffer.from(options())];
    for (let i = 0; i < 3000; i++) {
      socket.send(mutate(samples[i % 3] as Buffer, next), { binary: true });
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    socket.send(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'WS', callId: 'after-fuzz' }));
    await waitFor(() => okProbe, 10_000);
    assert.equal(socket.readyState, WebSocket.OPEN);
    assert.ok((statuses.get(400) ?? 0) > 100, `400s answered: ${JSON.stringify([...statuses])}`);
    socket.close();
  });

  it('closes a connection whose message is over the size limit with 1009 (RFC 6455 §7.4.1), and serves the next', async () => {
    const client = await SipClient.webSocket(url);
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    client.send(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'WS', body: 'x'.repeat(70_000), headers: ['Content-Type: text/plain'] }));
    assert.equal(await closed, 1009);
    const next = await SipClient.webSocket(url);
    next.send(options());
    assert.equal((await next.response()).status, 200);
    next.end();
  });

  it('registers 1001 with digest: 401, then 200, and the binding records transport ws', async () => {
    const client = await SipClient.webSocket(url);
    const register = (cseq: number, authorization?: string) =>
      sipRequest({
        method: 'REGISTER',
        uri: 'sip:test',
        transport: 'WS',
        user: '1001',
        domain: 'test',
        callId: 'ws-register-1',
        cseq,
        headers: ['Contact: <sip:k3l2j4@df7jal23ls0d.invalid;transport=ws>;expires=600', ...(authorization ? [`Authorization: ${authorization}`] : [])],
      });
    client.send(register(1));
    const challenge = await client.response();
    assert.equal(challenge.status, 401);
    client.send(register(2, digestAuthorization(challenge.headers.get('www-authenticate') ?? '', '1001', 'secret-1001', 'REGISTER', 'sip:test')));
    assert.equal((await client.response()).status, 200);
    const binding = location.binding('1001', 'sip:k3l2j4@df7jal23ls0d.invalid;transport=ws');
    assert.match(binding?.source ?? '', /^ws:127\.0\.0\.1:\d+$/);
    client.end();
  });

  it('sends a ping each interval and closes a connection that stops answering (RFC 6455 §5.5.2)', async () => {
    const healthy = await SipClient.webSocket(url);
    const silent = await SipClient.webSocket(url, { autoPong: false });
    const pinged = new Promise<void>((resolve) => healthy.socket.once('ping', () => resolve()));
    clock.advance(30_000);
    await pinged;
    // The pong left before this request; once its answer is back, the server has the pong.
    healthy.send(options());
    assert.equal((await healthy.response()).status, 200);
    clock.advance(30_000);
    await waitFor(() => silent.closed);
    assert.equal(healthy.closed, false);
    healthy.send(options());
    assert.equal((await healthy.response()).status, 200);
    healthy.end();
  });

  it('serves WSS on a port of its own with the TLS certificate', async () => {
    const port = sip.localPort('WSS');
    assert.ok(port !== undefined);
    const client = await SipClient.webSocket(`wss://127.0.0.1:${port}/`, { ca: certificate.cert });
    client.send(sipRequest({ method: 'OPTIONS', uri: 'sips:127.0.0.1', transport: 'WSS' }));
    const response = await client.response();
    assert.equal(response.status, 200, 'a sips: Request-URI is fine over WSS');
    client.end();
  });

  it('refuses a sips: Request-URI over plain WebSocket with 416 (RFC 3261 §26.2.2)', async () => {
    const client = await SipClient.webSocket(url);
    client.send(sipRequest({ method: 'OPTIONS', uri: 'sips:127.0.0.1', transport: 'WS' }));
    assert.equal((await client.response()).status, 416);
    client.end();
  });

});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a WebSocket peer is reachable only over its live connection (RFC 7118 §5)', () => {
  it('sends to the peer a binding names while its connection lives, and not after', async () => {
    const arrivals: Peer[] = [];
    const layer = await TransportLayer.listen(
      { host: '127.0.0.1', port: 0, idleTimeoutMs: 60_000, maxConnections: 10, websocket: { path: '/sip', pingIntervalMs: 30_000, port: 0 }, clock: new FakeTimers() },
      { onMessage: (_message, peer) => void arrivals.push(peer), onUnparsable: () => undefined },
    );
    try {
      const client = await SipClient.webSocket(`ws://127.0.0.1:${layer.localPort('WS')}/`);
      client.send(options());
      await waitFor(() => arrivals.length === 1);
      // What a registrar keeps (the source), and the peer later layers make of it again.
      const source = describePeer(arrivals[0] as Peer);
      assert.match(source, /^ws:127\.0\.0\.1:\d+$/);
      const peer = parsePeer(source) as Peer;
      assert.equal(peer.connection, undefined);
      const request = serverRequest();
      assert.equal(layer.send(request, peer), true);
      const arrived = await client.next();
      assert.equal(arrived.kind === 'request' ? arrived.method : arrived.status, 'OPTIONS');
      client.end();
      await waitFor(() => client.closed);
      await waitFor(() => !layer.send(request, peer));
      // No live connection means no way to the browser: nothing is opened towards it.
      assert.equal(layer.send(request, { transport: 'WS', address: '127.0.0.1', port: 9 }), false);
    } finally {
      await layer.close();
    }
  });

  it('refuses a handshake beyond the connection limit with 503', async () => {
    const layer = await TransportLayer.listen(
      { host: '127.0.0.1', port: 0, idleTimeoutMs: 60_000, maxConnections: 1, websocket: { path: '/sip', pingIntervalMs: 30_000, port: 0 }, clock: new FakeTimers() },
      { onMessage: () => undefined, onUnparsable: () => undefined },
    );
    try {
      const first = await SipClient.webSocket(`ws://127.0.0.1:${layer.localPort('WS')}/`);
      await assert.rejects(SipClient.webSocket(`ws://127.0.0.1:${layer.localPort('WS')}/`), /Unexpected server response: 503/);
      first.end();
      // Once the server has seen the close, the place is free again.
      let again: SipClient | undefined;
      for (const deadline = Date.now() + 5000; again === undefined && Date.now() < deadline; ) {
        again = await SipClient.webSocket(`ws://127.0.0.1:${layer.localPort('WS')}/`).catch(() => undefined);
      }
      assert.ok(again !== undefined, 'a connection is accepted after the first closed');
      again.end();
    } finally {
      await layer.close();
    }
  });
});

function serverRequest(): Message {
  const parsed = parseMessage(Buffer.from(sipRequest({ method: 'OPTIONS', uri: 'sip:k3l2j4@df7jal23ls0d.invalid;transport=ws', transport: 'WS', sentBy: '127.0.0.1' })));
  assert.ok(parsed.ok);
  return parsed.message;
}
