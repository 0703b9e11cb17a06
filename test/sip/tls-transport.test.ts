import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseMessage, type SipServer } from '../../src/sip/index.js';
import { MemoryLocation } from '../helpers/memory-location.js';
import { digestAuthorization, sipRequest, SipClient } from '../helpers/sip-client.js';
import { startSipServer } from '../helpers/sip-server.js';
import { selfSignedCertificate, type TestCertificate } from '../helpers/tls-certificate.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('SIP over TLS (RFC 3261 §18, §26.2)', () => {
  const location = new MemoryLocation();
  let sip: SipServer;
  let certificate: TestCertificate;
  let tlsPort: number;

  before(async () => {
    certificate = selfSignedCertificate();
    sip = await startSipServer(
      { onInvite: (_request, _transaction, respond) => respond(200) },
      {
        transport: { tls: { cert: certificate.cert, key: certificate.key, port: 0 } },
        accounts: {
          realm: async () => 'test',
          find: async (user) =>
            user !== '1001'
              ? undefined
              : {
                  realm: 'test',
                  ha1: { md5: md5('1001:test:secret-1001'), sha256: '' },
                  location,
                },
        },
      },
    );
    tlsPort = sip.localPort('TLS') as number;
  });
  after(async () => {
    await sip.close();
    certificate.remove();
  });

  it('listens on its own port and answers OPTIONS on the same connection (§18.2.2)', async () => {
    assert.notEqual(tlsPort, sip.port);
    const client = await SipClient.tls(tlsPort, certificate.cert);
    client.send(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'TLS', sentBy: '127.0.0.1:5999' }));
    const response = await client.response();
    assert.equal(response.status, 200);
    assert.equal(response.via[0]?.transport, 'TLS');
    client.end();
  });

  it('frames messages by Content-Length across and within TLS records (§18.3)', async () => {
    const client = await SipClient.tls(tlsPort, certificate.cert);
    const one = Buffer.from(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'TLS' }));
    client.sendBytes(one.subarray(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.sendBytes(Buffer.concat([one.subarray(40), Buffer.from(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'TLS' }))]));
    assert.equal((await client.response()).status, 200);
    assert.equal((await client.response()).status, 200);
    client.end();
  });

  it('registers 1001 with digest over TLS and the binding records transport tls', async () => {
    const client = await SipClient.tls(tlsPort, certificate.cert);
    const register = (cseq: number, authorization?: string) =>
      sipRequest({
        method: 'REGISTER',
        uri: 'sips:test',
        transport: 'TLS',
        sentBy: '127.0.0.1:5999',
        user: '1001',
        domain: 'test',
        callId: 'tls-register-1',
        cseq,
        headers: ['Contact: <sips:1001@127.0.0.1:5999>', ...(authorization ? [`Authorization: ${authorization}`] : [])],
      });
    client.send(register(1));
    const challenge = await client.response();
    assert.equal(challenge.status, 401);
    client.send(register(2, digestAuthorization(challenge.headers.get('www-authenticate') ?? '', '1001', 'secret-1001', 'REGISTER', 'sips:test')));
    assert.equal((await client.response()).status, 200);
    assert.match(location.binding('1001', 'sips:1001@127.0.0.1:5999')?.source ?? '', /^tls:127\.0\.0\.1:\d+$/);
    client.end();
  });

  it('gives a dialog made over TLS a Contact on the TLS port', async () => {
    const client = await SipClient.tls(tlsPort, certificate.cert);
    client.send(sipRequest({ method: 'INVITE', uri: 'sips:12345@127.0.0.1', transport: 'TLS', headers: ['Contact: <sips:caller@127.0.0.1:5999>'] }));
    assert.equal((await client.response()).status, 100);
    const ok = await client.response();
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('contact'), `<sip:kefu@127.0.0.1:${tlsPort};transport=tls>`);
    client.end();
  });

  it('refuses a sips: Request-URI over UDP and TCP with 416, answers it over TLS (§26.2.2)', async () => {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const answer = new Promise<Buffer>((resolve) => udp.once('message', resolve));
    udp.send(sipRequest({ method: 'OPTIONS', uri: 'sips:127.0.0.1', transport: 'UDP', sentBy: `127.0.0.1:${udp.address().port}` }), sip.port, '127.0.0.1');
    const parsed = parseMessage(await answer);
    udp.close();
    assert.ok(parsed.ok && parsed.message.kind === 'response');
    assert.equal(parsed.message.status, 416);

    const tcp = connect(sip.port, '127.0.0.1');
    const tcpAnswer = new Promise<string>((resolve) => tcp.once('data', (chunk) => resolve(chunk.toString())));
    tcp.write(sipRequest({ method: 'OPTIONS', uri: 'sips:127.0.0.1', transport: 'TCP' }));
    assert.match(await tcpAnswer, /^SIP\/2\.0 416 /);
    tcp.destroy();
  });

  it('survives bytes that are not TLS on the TLS port and keeps serving', async () => {
    const raw = connect(tlsPort, '127.0.0.1');
    await new Promise<void>((resolve) => raw.once('connect', resolve));
    raw.write(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'TCP' }));
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    const client = await SipClient.tls(tlsPort, certificate.cert);
    client.send(sipRequest({ method: 'OPTIONS', uri: 'sip:127.0.0.1', transport: 'TLS' }));
    assert.equal((await client.response()).status, 200);
    client.end();
  });

  it('does not listen for TLS without a certificate', async () => {
    const plain = await startSipServer({ onInvite: () => undefined });
    try {
      assert.equal(plain.localPort('TLS'), undefined);
    } finally {
      await plain.close();
    }
  });
});
