import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answerOffer } from '../../src/sdp/index.js';
import type { InviteHandler, SipServer } from '../../src/sip/index.js';
import { answerWithSdp, startSipServer } from '../helpers/sip-server.js';
import { freePort } from './kefu-node.js';
import { runSipp } from './sipp.js';

const scenario = (name: string) => join(import.meta.dirname, 'scenarios', `${name}.xml`);

/**
 * Requests from Kefu that SIPp dropped on arrival (`-lost`), by method, from the Lost column of
 * its final screen (incoming lines: Messages, Retrans, Timeout, Unexpected, Lost). Every call
 * still completing means Kefu sent each of them again.
 */
function lostOnArrival(screen: string): Record<string, number> {
  const lost: Record<string, number> = {};
  for (const match of screen.matchAll(/^\s*-+>\s+(\S+)\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+)/gm)) lost[match[1] as string] = Number(match[2]);
  return lost;
}

describe('Kefu as caller and in-dialog requests with a real peer (SIPp)', () => {
  let server: SipServer;
  const seen = { offers: [] as string[], refers: [] as string[] };

  before(async () => {
    const handler: InviteHandler = {
      onInvite: (request, _transaction, respond) => answerWithSdp(request, respond),
      onOffer(_dialog, request, respond) {
        seen.offers.push(request.body.toString());
        const answer = answerOffer(request.body.toString(), { address: '127.0.0.1', port: 40_000, codecs: ['PCMU'], telephoneEvent: false, sessionId: 1, sessionVersion: 2 });
        if (answer.ok) respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(answer.sdp) });
        else respond(answer.status);
      },
      onRefer(_dialog, refer) {
        seen.refers.push(refer.request.headers.get('refer-to') ?? '');
        // The transfer target "answers" a moment later: the final NOTIFY ends the subscription.
        setTimeout(() => void refer.notify(200), 200);
      },
    };
    server = await startSipServer(handler);
  });
  after(() => server.close());

  it('calls a SIPp UAS through an INVITE client transaction and hangs up, 10 % of packets lost both ways', async () => {
    const calls = 40;
    const sippPort = await freePort();
    const sipp = runSipp(['-sf', scenario('uas-answer'), '-p', String(sippPort), '-m', String(calls), '-lost', '10', '-timeout', '120', '-trace_err', '-trace_screen', '-nostdin'], {}, 150_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const statuses: string[] = [];
    for (let i = 0; i < calls; i++) {
      const outgoing = server.invite({
        uri: `sip:service@127.0.0.1:${sippPort}`,
        from: '<sip:4000@127.0.0.1>',
        peer: { transport: 'UDP', address: '127.0.0.1', port: sippPort },
        headers: [['Content-Type', 'application/sdp']],
        body: Buffer.from('v=0\r\no=kefu 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'),
      });
      const outcome = await outgoing.result;
      if (outcome.kind !== 'answered') {
        statuses.push(`INVITE ${outcome.response.status}`);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      statuses.push(`BYE ${(await outcome.dialog.bye()).status}`);
    }
    const run = await sipp;
    assert.deepEqual(statuses, Array(calls).fill('BYE 200'), `${run.errors}\n${run.screen}`);
    assert.equal(run.code, 0, run.errors);
    const lost = lostOnArrival(run.screen);
    assert.ok((lost.ACK ?? 0) + (lost.BYE ?? 0) > 0, `some ACKs or BYEs were lost and sent again:\n${run.screen}`);
  });

  it('calls a SIPp UAS over TCP: the INVITE sent once (no Timer A on a reliable transport), then BYE', async () => {
    const sippPort = await freePort();
    const sipp = runSipp(['-sf', scenario('uas-answer'), '-t', 't1', '-p', String(sippPort), '-m', '1', '-timeout', '20', '-trace_err', '-trace_screen', '-nostdin'], {}, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const outgoing = server.invite({ uri: `sip:service@127.0.0.1:${sippPort};transport=tcp`, from: '<sip:4000@127.0.0.1>', peer: { transport: 'TCP', address: '127.0.0.1', port: sippPort } });
    const outcome = await outgoing.result;
    assert.ok(outcome.kind === 'answered', `INVITE ended ${outcome.response.status}`);
    assert.equal((await outcome.dialog.bye()).status, 200);
    const run = await sipp;
    assert.equal(run.code, 0, run.errors);
    assert.match(run.screen, /-+> INVITE\s+1\s+0/, 'one INVITE, no retransmission over TCP');
  });

  it('accepts a REFER from SIPp with 202 and NOTIFYs "SIP/2.0 100 Trying" then "SIP/2.0 200 OK" (RFC 3515)', async () => {
    const run = await runSipp([`127.0.0.1:${server.port}`, '-sf', scenario('refer-in-dialog'), '-m', '1', '-p', String(await freePort()), '-timeout', '20', '-trace_err', '-nostdin'], {}, 30_000);
    assert.equal(run.code, 0, run.errors);
    assert.match(seen.refers[0] ?? '', /^<sip:2000@127\.0\.0\.1:\d+>$/);
  });

  it('puts the call on hold when SIPp re-INVITEs with a=sendonly: the delegate answers a=recvonly', async () => {
    const run = await runSipp([`127.0.0.1:${server.port}`, '-sf', scenario('hold-reinvite'), '-m', '1', '-p', String(await freePort()), '-timeout', '20', '-trace_err', '-nostdin'], {}, 30_000);
    assert.equal(run.code, 0, run.errors);
    assert.match(seen.offers[0] ?? '', /a=sendonly/);
  });
});
