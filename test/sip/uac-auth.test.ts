import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { answerChallenge, createResponse, DigestAuthenticator, digestResponse, parseDigestCredentials, parseMessage, type SipRequest, type SipResponse, type SipServer } from '../../src/sip/index.js';
import { FakeTimers } from '../helpers/fake-timers.js';
import { startSipServer } from '../helpers/sip-server.js';
import { UdpPeer } from '../helpers/udp-peer.js';
import { INVITE } from './fixtures.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const account = { username: 'kefu-trunk', password: 'carrier-secret' };
const ha1 = (realm: string, password = account.password) => ({ md5: md5(`kefu-trunk:${realm}:${password}`), sha256: sha256(`kefu-trunk:${realm}:${password}`) });
const branchOf = (request: SipRequest) => request.via[0]?.params.find((p) => p.name === 'branch')?.value;

describe('UAC digest authentication (RFC 3261 §8.1.3.5, §22.2, RFC 8760, RFC 7616) against a hand-written carrier over UDP', () => {
  const timers = new FakeTimers();
  // The carrier's side is the project's own server-side authenticator: what it accepts, a carrier would.
  const carrier = new DigestAuthenticator({ nonceLifetimeMs: 60_000, algorithms: ['SHA-256', 'MD5'], now: () => timers.now });
  let server: SipServer;
  let peer: UdpPeer;

  before(async () => {
    server = await startSipServer({ onInvite: (_r, _t, respond) => respond(480) }, { clock: timers, now: () => timers.now });
    peer = await UdpPeer.open();
  });
  after(async () => {
    peer.close();
    await server.close();
  });

  const call = (credentials?: typeof account & { realm?: string }) =>
    server.invite({
      uri: `sip:075588880000@127.0.0.1:${peer.port}`,
      from: '<sip:+8675588880000@kefu.example>',
      peer: { transport: 'UDP', address: '127.0.0.1', port: peer.port },
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from('v=0\r\n'),
      ...(credentials === undefined ? {} : { credentials }),
    });

  const challenge = (request: SipRequest, status: 401 | 407, realm = 'carrier.example'): SipResponse =>
    peer.reply(request, status, server.port, {
      toTag: `challenge-${request.cseq?.seq}`,
      headers: carrier.challenges(realm).map((c): [string, string] => [status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate', c]),
    });

  const verdict = (request: SipRequest, header: string, realm = 'carrier.example', password = account.password) => {
    const parsed = parseDigestCredentials(request.headers.get(header) ?? '');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    return { verdict: carrier.verify(request.method, parsed.credentials, realm, ha1(realm, password)), credentials: parsed.credentials };
  };

  it('MUST answer a 407 once: ACK, then the INVITE with Proxy-Authorization, CSeq 2, the same Call-ID and From tag, a new branch', async () => {
    const outgoing = call(account);
    const first = await peer.request('INVITE');
    assert.equal(first.headers.has('proxy-authorization'), false);
    challenge(first, 407);
    const ack = await peer.request('ACK');
    assert.equal(ack.headers.get('cseq'), '1 ACK', '§17.1.1.3: the transaction acknowledges the 407');
    assert.equal(branchOf(ack), branchOf(first));
    const second = await peer.request('INVITE');
    assert.equal(second.headers.get('cseq'), '2 INVITE');
    assert.equal(second.callId, first.callId);
    assert.equal(second.fromTag, first.fromTag);
    assert.equal(second.toTag, undefined, 'the To of a request outside a dialog has no tag');
    assert.notEqual(branchOf(second), branchOf(first));
    assert.equal(second.body.toString(), first.body.toString());
    const checked = verdict(second, 'proxy-authorization');
    assert.equal(checked.verdict, 'ok');
    assert.deepEqual([checked.credentials.algorithm, checked.credentials.qop, checked.credentials.uri], ['SHA-256', 'auth', `sip:075588880000@127.0.0.1:${peer.port}`]);

    peer.reply(second, 200, server.port, { toTag: 'answered', headers: [['Contact', `<sip:carrier@127.0.0.1:${peer.port}>`]] });
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'answered');
    assert.equal((await peer.request('ACK')).headers.get('cseq'), '2 ACK');

    // The carrier challenges the BYE too: it goes again with Authorization and the next CSeq.
    const byeSent = outcome.dialog.bye();
    const bye = await peer.request('BYE');
    assert.equal(bye.headers.get('cseq'), '3 BYE');
    challenge(bye, 401);
    const again = await peer.request('BYE');
    assert.equal(again.headers.get('cseq'), '4 BYE');
    assert.equal(again.callId, bye.callId);
    assert.equal(verdict(again, 'authorization').verdict, 'ok');
    peer.reply(again, 200, server.port);
    assert.equal((await byeSent).status, 200);
  });

  it('MUST take a second 407 as the final answer: a wrong password fails after two INVITEs, each challenge acknowledged', async () => {
    const outgoing = call({ ...account, password: 'wrong' });
    const first = await peer.request('INVITE');
    challenge(first, 407);
    await peer.request('ACK');
    const second = await peer.request('INVITE');
    assert.equal(verdict(second, 'proxy-authorization').verdict, 'invalid');
    challenge(second, 407);
    assert.equal((await peer.request('ACK')).headers.get('cseq'), '2 ACK');
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.response.status, 407);
    await peer.settle();
    assert.equal(peer.received.filter((m) => m.kind === 'request' && m.method === 'INVITE' && m.callId === first.callId).length, 2);
  });

  it('fails at the challenge without credentials, or when the challenge is for another realm than the account\'s', async () => {
    for (const credentials of [undefined, { ...account, realm: 'other.example' }]) {
      const outgoing = call(credentials);
      const invite = await peer.request('INVITE');
      challenge(invite, 401);
      await peer.request('ACK');
      const outcome = await outgoing.result;
      assert.ok(outcome.kind === 'failed');
      assert.equal(outcome.response.status, 401);
    }
  });

  it('answers a 401 with Authorization for the realm the account names', async () => {
    const outgoing = call({ ...account, realm: 'carrier.example' });
    const first = await peer.request('INVITE');
    challenge(first, 401);
    const second = await peer.request('INVITE');
    assert.equal(second.headers.has('proxy-authorization'), false);
    assert.equal(verdict(second, 'authorization').verdict, 'ok');
    peer.reply(second, 486, server.port, { toTag: 'busy' });
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.response.status, 486);
  });
});

describe('answering a challenge (RFC 8760 §2.4, RFC 7616 §3.4, RFC 2069)', () => {
  const request = parseMessage(INVITE);
  assert.ok(request.ok && request.message.kind === 'request');
  const invite = request.message;
  const respond = (...challenges: string[]) => createResponse(invite, 401, { headers: challenges.map((c): [string, string] => ['WWW-Authenticate', c]) });
  const field = (value: string, name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(value)?.[1];

  it('answers the topmost challenge whose algorithm it knows, skipping the others', () => {
    const answer = answerChallenge(
      invite,
      respond('Digest realm="r", nonce="aka", algorithm=AKAv1-MD5, qop="auth"', 'Digest realm="r", nonce="n1", algorithm=MD5, qop="auth,auth-int", opaque="op"'),
      account,
      'c0ffee',
    );
    assert.ok(answer !== undefined);
    const [name, value] = answer;
    assert.equal(name, 'Authorization');
    assert.equal(field(value, 'nonce'), 'n1');
    assert.equal(field(value, 'opaque'), 'op', 'opaque goes back unchanged');
    assert.equal(field(value, 'nc'), '00000001');
    const expected = digestResponse('MD5', md5('kefu-trunk:r:carrier-secret'), 'INVITE', { nonce: 'n1', uri: 'sip:8001@pbx.example.com', qop: 'auth', nc: '00000001', cnonce: 'c0ffee' });
    assert.equal(field(value, 'response'), expected);
  });

  it('answers without qop in the RFC 2069 form, and SHA-256-sess with the session HA1', () => {
    const plain = answerChallenge(invite, respond('Digest realm="r", nonce="n2"'), account, 'c1');
    assert.ok(plain !== undefined);
    assert.equal(field(plain[1], 'qop'), undefined);
    assert.equal(field(plain[1], 'cnonce'), undefined);
    assert.equal(field(plain[1], 'response'), md5(`${md5('kefu-trunk:r:carrier-secret')}:n2:${md5('INVITE:sip:8001@pbx.example.com')}`));

    const session = answerChallenge(invite, respond('Digest realm="r", nonce="n3", algorithm=SHA-256-sess, qop="auth"'), account, 'c2');
    assert.ok(session !== undefined);
    const sessionHa1 = sha256(`${sha256('kefu-trunk:r:carrier-secret')}:n3:c2`);
    const expected = digestResponse('SHA-256', sessionHa1, 'INVITE', { nonce: 'n3', uri: 'sip:8001@pbx.example.com', qop: 'auth', nc: '00000001', cnonce: 'c2' });
    assert.equal(field(session[1], 'response'), expected);
    assert.match(session[1], /algorithm=SHA-256-sess/);
  });

  it('cannot answer auth-int only, Basic, or a challenge without a nonce', () => {
    for (const challenge of ['Digest realm="r", nonce="n", qop="auth-int"', 'Basic realm="r"', 'Digest realm="r"', 'Digest realm="r", nonce="n", algorithm=MD5-sess']) {
      assert.equal(answerChallenge(invite, respond(challenge), account), undefined, challenge);
    }
  });
});
