import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundTrunks, trunkCallerId, trunkNumber } from '../../src/directory/index.js';
import type { TrunkRow } from '../../src/store/index.js';

function trunk(overrides: Partial<TrunkRow>): TrunkRow {
  return {
    id: overrides.name ?? 'trunk',
    tenantId: 'tenant',
    name: 'trunk',
    host: '192.0.2.1',
    port: 5060,
    transport: 'udp',
    username: null,
    password: null,
    realm: null,
    fromUser: null,
    fromDomain: null,
    routes: [{ prefix: '', strip: 0, prepend: '' }],
    callerId: 'tenant',
    callerIdNumber: null,
    priority: 100,
    enabled: true,
    maxCalls: null,
    version: 1,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

const presentation = { tenantNumber: '+8675588880000', caller: '13800138000' };

describe('outside numbers through trunks', () => {
  it('takes a number by the first rule whose prefix and length fit, stripping and adding digits', () => {
    const routes = [
      { prefix: '0', minLength: 11, maxLength: 12, strip: 1, prepend: '+86' },
      { prefix: '1', minLength: 11, maxLength: 11, strip: 0, prepend: '' },
    ];
    assert.equal(trunkNumber(routes, '075512345678'), '+8675512345678');
    assert.equal(trunkNumber(routes, '13800138000'), '13800138000');
    assert.equal(trunkNumber(routes, '0755'), undefined, 'too short for the rule');
    assert.equal(trunkNumber(routes, '1380013800012'), undefined, 'too long');
    assert.equal(trunkNumber(routes, '95588'), undefined, 'no rule takes it');
    assert.equal(trunkNumber([{ prefix: '', strip: 0, prepend: '' }], 'sip:evil@example'), undefined, 'only dial strings go out');
  });

  it('shows the tenant\'s number, the caller\'s (the tenant\'s when unknown), or a fixed one', () => {
    assert.equal(trunkCallerId({ callerId: 'tenant', callerIdNumber: null }, presentation), '+8675588880000');
    assert.equal(trunkCallerId({ callerId: 'caller', callerIdNumber: null }, presentation), '13800138000');
    assert.equal(trunkCallerId({ callerId: 'caller', callerIdNumber: null }, { ...presentation, caller: undefined }), '+8675588880000');
    assert.equal(trunkCallerId({ callerId: 'caller', callerIdNumber: null }, { ...presentation, caller: 'anonymous' }), '+8675588880000');
    assert.equal(trunkCallerId({ callerId: 'fixed', callerIdNumber: '4008001234' }, presentation), '4008001234');
  });

  it('builds the INVITE\'s target: Request-URI at the trunk, From, P-Asserted-Identity, credentials', async () => {
    const outbound = new OutboundTrunks(async (host) => (host === 'sip.carrier.example' ? '198.51.100.7' : undefined));
    const target = await outbound.target(
      [trunk({ host: 'sip.carrier.example', port: 5080, transport: 'tcp', username: 'acct', password: 'pw', realm: 'carrier', fromUser: 'acct', fromDomain: 'carrier.example', callerId: 'caller' })],
      '13800138001',
      presentation,
    );
    assert.deepEqual(target, {
      uri: 'sip:13800138001@sip.carrier.example:5080;transport=tcp',
      source: 'tcp:198.51.100.7:5080',
      callerId: '13800138000',
      from: '<sip:acct@carrier.example>',
      headers: [['P-Asserted-Identity', '<sip:13800138000@carrier.example>']],
      credentials: { username: 'acct', password: 'pw', realm: 'carrier' },
    });
    const v6 = await outbound.target([trunk({ host: '2001:db8::1' })], '13800138001', presentation);
    assert.deepEqual([v6?.uri, v6?.source, v6?.from, v6?.credentials], ['sip:13800138001@[2001:db8::1]:5060', 'udp:[2001:db8::1]:5060', '<sip:+8675588880000@[2001:db8::1]>', undefined]);
  });

  it('passes over trunks that do not take the number, do not resolve, or are full; a full trunk frees a call when its leg ends', async () => {
    const outbound = new OutboundTrunks(async () => undefined);
    const mobilesOnly = trunk({ name: 'mobiles', host: '192.0.2.2', routes: [{ prefix: '1', strip: 0, prepend: '' }] });
    const dead = trunk({ name: 'dead', host: 'nowhere.example' });
    const small = trunk({ name: 'small', host: '192.0.2.3', maxCalls: 1 });
    const spare = trunk({ name: 'spare', host: '192.0.2.4' });
    const trunks = [mobilesOnly, dead, small, spare];
    const first = await outbound.target(trunks, '075512345678', presentation);
    assert.equal(first?.source, 'udp:192.0.2.3:5060');
    const release = first?.seize?.();
    assert.ok(release !== undefined);
    assert.equal(first?.seize?.(), undefined, 'its one call is taken');
    assert.equal((await outbound.target(trunks, '075512345678', presentation))?.source, 'udp:192.0.2.4:5060', 'the full trunk is passed over');
    release();
    release();
    assert.equal((await outbound.target(trunks, '075512345678', presentation))?.source, 'udp:192.0.2.3:5060', 'given back once');
    assert.equal(await outbound.target([mobilesOnly], '075512345678', presentation), undefined);
  });
});
