import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Dialog, InviteHandler, SipServer } from '../../src/sip/index.js';
import { answerWithSdp, startSipServer } from '../helpers/sip-server.js';
import { freePort } from './kefu-node.js';
import { runSipp } from './sipp.js';

/**
 * A test answering core: what the call layer will be, reduced to answering every INVITE with
 * 180, then 200 and an SDP answer, and counting what the stack reports back.
 */
function answeringCore() {
  const counts = { invites: 0, acks: 0, byes: 0, noAck: 0, cancels: 0 };
  const handler: InviteHandler = {
    onInvite(request, _transaction, respond) {
      // 7000 rings and is never answered: the number a caller gives up on.
      if (request.uri.scheme === 'sip' && 'user' in request.uri && request.uri.user === '7000') {
        respond(180);
        return;
      }
      counts.invites++;
      respond(180);
      answerWithSdp(request, respond);
    },
    onAck: () => counts.acks++,
    onCancel: () => counts.cancels++,
    onEnd: (_dialog: Dialog, reason) => (reason === 'bye' ? counts.byes++ : counts.noAck++),
  };
  return { counts, handler };
}

/** The exit code of sipp run with `args`. */
async function sippExit(args: string[], timeoutMs: number): Promise<number | null> {
  return (await runSipp(args, {}, timeoutMs)).code;
}

describe('SIP calls with a real peer (SIPp) against an answering core', () => {
  let server: SipServer;
  const core = answeringCore();

  before(async () => {
    server = await startSipServer(core.handler);
  });
  after(() => server.close());

  it('INVITE → 200 → ACK → BYE completes for every call with 10 % of packets lost both ways', async () => {
    const calls = 20;
    const code = await sippExit(
      [`127.0.0.1:${server.port}`, '-sf', join(import.meta.dirname, 'scenarios', 'call.xml'), '-s', '12345', '-m', String(calls), '-l', '5', '-r', '10', '-p', String(await freePort()), '-lost', '10', '-d', '100', '-timeout', '100', '-nostdin'],
      120_000,
    );
    assert.equal(code, 0, 'sipp reports every call successful');
    assert.equal(core.counts.invites, calls, 'each INVITE reached the core once, retransmissions absorbed');
    assert.equal(core.counts.byes, calls, JSON.stringify(core.counts));
    assert.equal(core.counts.noAck, 0, 'every 2xx was acknowledged (a lost ACK is answered by the retransmitted 2xx)');
    assert.ok(core.counts.acks > 0, `${core.counts.acks} ACKs seen; a BYE may overtake an ACK that was lost`);
  });

  it('a CANCEL while ringing: 200 to the CANCEL, 487 to the INVITE, and the core is told (§9.2)', async () => {
    const scenario = join(import.meta.dirname, 'scenarios', 'invite-cancel.xml');
    const code = await sippExit([`127.0.0.1:${server.port}`, '-sf', scenario, '-m', '1', '-p', String(await freePort()), '-timeout', '10', '-nostdin'], 20_000);
    assert.equal(code, 0);
    assert.equal(core.counts.cancels, 1);
  });

  it('a CANCEL that matches no INVITE gets 481', async () => {
    const scenario = join(import.meta.dirname, 'scenarios', 'cancel-unknown.xml');
    const code = await sippExit([`127.0.0.1:${server.port}`, '-sf', scenario, '-m', '1', '-p', String(await freePort()), '-timeout', '10', '-nostdin'], 20_000);
    assert.equal(code, 0);
  });
});
