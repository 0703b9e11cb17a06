/**
 * A phone's attended transfer names its consult call in Replaces (RFC 3891 §3): Kefu hands the
 * caller over only when the Call-ID and both tags name a call of that same phone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from '../../src/calls/connection.js';
import { Transfers } from '../../src/calls/transfers.js';
import { Fault, parseReferTo, type Dialog, type ReferRequest } from '../../src/sip/index.js';

/** A connection of `caller` (the party's phone) in a call whose leg has this dialog with Kefu. */
function connection(party: string, leg: { callId: string; localTag: string; remoteTag: string; remoteParty: string }) {
  const adopted: Connection[] = [];
  const dialog = { remoteParty: party } as Dialog;
  const fake = {
    party: { dialog },
    leg: { sipCallId: leg.callId, dialog: leg, hangup: async () => undefined },
    adopt: async (consult: Connection) => {
      adopted.push(consult);
    },
  };
  return { connection: fake as unknown as Connection, dialog, adopted };
}

function refer(replaces: string): { request: ReferRequest; notified: number[] } {
  const referTo = parseReferTo(`<sip:1002@127.0.0.1?Replaces=${encodeURIComponent(replaces)}>`);
  assert.ok(!(referTo instanceof Fault));
  const notified: number[] = [];
  const request = {
    referTo,
    notify: async (status: number) => {
      notified.push(status);
      return undefined;
    },
  } as unknown as ReferRequest;
  return { request, notified };
}

describe('[E2] attended transfer by a phone: the consult call Replaces names', () => {
  const log = { info: () => undefined, warn: () => undefined };
  const agentCall = connection('<sip:1001@127.0.0.1:5071>;tag=t1', { callId: 'caller-1', localTag: 'k1', remoteTag: 'c1', remoteParty: '<sip:13800138000@x>;tag=c1' });
  // 1001's own consult call to 1002 through Kefu, and another phone's call.
  const consult = connection('<sip:1002@127.0.0.1:5072>;tag=t2', { callId: 'consult-1', localTag: 'kefu-tag', remoteTag: 'phone-tag', remoteParty: '"1001" <sip:1001@demo>;tag=phone-tag' });
  const others = connection('<sip:1003@127.0.0.1:5073>;tag=t3', { callId: 'other-1', localTag: 'kefu-tag-3', remoteTag: 'phone-tag-3', remoteParty: '<sip:1003@demo>;tag=phone-tag-3' });
  const transfers = new Transfers(log);
  for (const each of [agentCall, consult, others]) transfers.connected(each.connection, { dialog: each.dialog } as never);

  it('answers 481 when a tag does not match (§3: to-tag against Kefu\'s tag, from-tag against the phone\'s)', async () => {
    for (const wrong of ['consult-1;to-tag=phone-tag;from-tag=kefu-tag', 'consult-1;to-tag=kefu-tag;from-tag=other', 'nobody;to-tag=kefu-tag;from-tag=phone-tag']) {
      const { request, notified } = refer(wrong);
      transfers.onRefer(agentCall.dialog, request);
      await Promise.resolve();
      assert.deepEqual(notified, [481], wrong);
    }
    assert.deepEqual(agentCall.adopted, []);
  });

  it('answers 403 when the dialog named is another phone\'s call', async () => {
    const { request, notified } = refer('other-1;to-tag=kefu-tag-3;from-tag=phone-tag-3');
    transfers.onRefer(agentCall.dialog, request);
    await Promise.resolve();
    assert.deepEqual(notified, [403]);
    assert.deepEqual(agentCall.adopted, []);
  });

  it('hands the caller over when Call-ID and both tags name the same phone\'s consult call', async () => {
    const { request, notified } = refer('consult-1;to-tag=kefu-tag;from-tag=phone-tag');
    transfers.onRefer(agentCall.dialog, request);
    await Promise.resolve();
    assert.deepEqual(notified, []);
    assert.deepEqual(agentCall.adopted, [consult.connection]);
  });
});
