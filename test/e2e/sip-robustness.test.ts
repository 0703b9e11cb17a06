/**
 * The SIP server under 10,000 mutated copies of valid messages over UDP and TCP: it never
 * crashes, answers 400 where a response is possible, and still answers OPTIONS at the end.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { SipServer } from '../../src/sip/index.js';
import { mutate, random } from '../helpers/sip-mutator.js';
import { answerWithSdp, startSipServer } from '../helpers/sip-server.js';
import { INVITE, REGISTER } from '../sip/fixtures.js';

const OPTIONS = Buffer.from(
  ['OPTIONS sip:kefu@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-final;rport', 'From: <sip:probe@127.0.0.1>;tag=p', 'To: <sip:kefu@127.0.0.1>', 'Call-ID: final-probe', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n'),
);

describe('SIP server robustness', () => {
  let server: SipServer;
  before(async () => {
    server = await startSipServer({ onInvite: (request, _transaction, respond) => answerWithSdp(request, respond) });
  });
  after(() => server.close());

  it('10,000 mutated messages over UDP and TCP: no crash, 400s where possible, OPTIONS still answered', async () => {
    const next = random(0x4b656675);
    const samples = [INVITE, REGISTER, OPTIONS];
    const statuses = new Map<number, number>();
    const count = (text: string) => {
      for (const match of text.matchAll(/SIP\/2\.0 (\d{3}) /g)) statuses.set(Number(match[1]), (statuses.get(Number(match[1])) ?? 0) + 1);
    };

    const udp = createSocket('udp4');
    udp.on('message', (bytes) => count(bytes.toString('latin1')));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    for (let i = 0; i < 5000; i++) {
      udp.send(mutate(samples[i % 3] as Buffer, next), server.port, '127.0.0.1');
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }

    // TCP: 50 connections of 100 messages each; a connection the server closes (unframeable) is replaced.
    for (let c = 0; c < 50; c++) {
      const socket = new Socket();
      socket.on('data', (bytes) => count(bytes.toString('latin1')));
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.connect(server.port, '127.0.0.1', resolve));
      for (let i = 0; i < 100 && !socket.destroyed; i++) socket.write(mutate(samples[i % 3] as Buffer, next));
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
    }

    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok((statuses.get(400) ?? 0) > 100, `400s answered: ${JSON.stringify([...statuses])}`);

    udp.close();
    // A socket of its own: retransmitted 2xx of the fuzzed INVITEs still travel to the other one.
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const answered = new Promise<string>((resolve) => probe.once('message', (bytes) => resolve(bytes.toString())));
    // A new branch: the fuzzing may have sent this very OPTIONS, and a retransmission is answered
    // where the first copy came from (RFC 3261 §17.2.2).
    probe.send(Buffer.from(OPTIONS.toString().replace('z9hG4bK-final', 'z9hG4bK-probe-after-fuzz')), server.port, '127.0.0.1');
    const answer = await Promise.race([
      answered,
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no answer to OPTIONS within 5 s')), 5000)),
    ]);
    probe.close();
    assert.match(answer, /^SIP\/2\.0 200 OK/);
    assert.match(answer, /Call-ID: final-probe/);
  });
});
