import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface Binding {
  tenantSlug: string;
  extensionCode: string | null;
  service: string;
  flow: string | null;
}

interface PhoneNumber {
  id: string;
  number: string;
  kind: string;
  label: string;
  version: number;
  bindings: Binding[];
}

/** The paths an error answer names, sorted. */
function errorPaths(response: LightMyRequestResponse): string[] {
  return response.json().error.details.map((d: { path: string }) => d.path).sort();
}

/** Bindings as a caller would describe them: business, extension code, service. */
function routing(number: PhoneNumber): string[] {
  return number.bindings.map((b) => `${b.tenantSlug}:${b.extensionCode ?? '-'}:${b.service}${b.flow === null ? '' : `/${b.flow}`}`);
}

describe('numbers API', () => {
  let api: TestApi;
  let admin: Client;
  let platform: Client;

  const create = async (client: Client, body: object): Promise<PhoneNumber> => {
    const response = await client.post('/api/v1/numbers', body);
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };
  const list = async (client: Client, query: string): Promise<PhoneNumber[]> => {
    const response = await client.get(`/api/v1/numbers${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json().items;
  };

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
    platform = await api.login('platform', 'admin');
  });
  after(() => api.close());

  it('[A3] a tenant admin sees the hotline 12345 bound to its own service, and no other tenant’s numbers', async () => {
    const response = await admin.get('/api/v1/numbers');
    assert.equal(response.statusCode, 200, response.body);
    const { items, total } = response.json();
    assert.equal(total, 1);
    const [hotline] = items as PhoneNumber[];
    assert.equal(hotline?.number, '12345');
    assert.equal(hotline?.kind, 'direct');
    const demoId = (await admin.get('/api/v1/auth/me')).json().tenant.id;
    assert.deepEqual(hotline?.bindings, [{ tenantId: demoId, tenantSlug: 'demo', extensionCode: null, service: 'hotline', flow: 'hotline' }]);
  });

  it('[A2] registers a forwarded number and changes what answers it at once', async () => {
    const forwarded = await create(admin, {
      number: '+86 (755) 8888-1111',
      kind: 'forwarded',
      label: 'Shenzhen office line',
      bindings: [{ service: 'hotline' }],
    });
    assert.equal(forwarded.number, '+8675588881111', 'stored without spaces and punctuation');
    assert.equal(forwarded.kind, 'forwarded');
    assert.deepEqual(routing(forwarded), ['demo:-:hotline']);

    const changed = await admin.patch(`/api/v1/numbers/${forwarded.id}`, {
      version: forwarded.version,
      bindings: [{ service: 'after-hours', flow: 'night-service' }],
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().version, forwarded.version + 1);
    assert.equal(changed.json().label, 'Shenzhen office line', 'fields left out keep their values');
    const read = (await admin.get(`/api/v1/numbers/${forwarded.id}`)).json();
    assert.deepEqual(routing(read), ['demo:-:after-hours/night-service'], 'the old binding is gone');

    const unbound = await admin.patch(`/api/v1/numbers/${forwarded.id}`, { version: read.version, bindings: [] });
    assert.deepEqual(unbound.json().bindings, []);
  });

  it('[A3] registers a direct number with a label defaulting to empty, and deletes it', async () => {
    const direct = await create(admin, { number: '010-6234 0099', kind: 'direct', bindings: [{ service: 'consultation' }] });
    assert.equal(direct.number, '01062340099');
    assert.equal(direct.label, '');
    assert.deepEqual(routing(direct), ['demo:-:consultation']);
    assert.equal((await admin.delete(`/api/v1/numbers/${direct.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/numbers/${direct.id}`)).statusCode, 404);
    await create(admin, { number: '01062340099', kind: 'direct' });
  });

  it('[A3] extension codes select a business only on a shared number', async () => {
    const bad = await admin.post('/api/v1/numbers', {
      number: '+8675588882222',
      kind: 'direct',
      bindings: [{ extensionCode: '1', service: 'hotline' }],
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.code, 'ERR_VALIDATION');
    assert.deepEqual(errorPaths(bad), ['bindings.0.extensionCode']);

    const shared = await create(admin, {
      number: '+8675588882222',
      kind: 'shared',
      bindings: [
        { extensionCode: '1', service: 'sales' },
        { extensionCode: '2', service: 'support' },
      ],
    });
    assert.deepEqual(routing(shared), ['demo:1:sales', 'demo:2:support']);

    const toDirect = await admin.patch(`/api/v1/numbers/${shared.id}`, { version: shared.version, kind: 'direct' });
    assert.equal(toDirect.statusCode, 400, 'a number cannot stop being shared while codes still select on it');
    assert.deepEqual(errorPaths(toDirect), ['bindings.0.extensionCode', 'bindings.1.extensionCode']);
    assert.equal((await admin.get(`/api/v1/numbers/${shared.id}`)).json().kind, 'shared');

    const hotline = (await list(admin, '?q=12345'))[0] as PhoneNumber;
    const coded = await admin.patch(`/api/v1/numbers/${hotline.id}`, {
      version: hotline.version,
      bindings: [{ extensionCode: '9', service: 'hotline' }],
    });
    assert.equal(coded.statusCode, 400);
    assert.deepEqual(errorPaths(coded), ['bindings.0.extensionCode']);
  });

  it('[A3] refuses two bindings that a caller could not tell apart', async () => {
    const sameCode = await admin.post('/api/v1/numbers', {
      number: '+8675588883333',
      kind: 'shared',
      bindings: [
        { extensionCode: '5', service: 'sales' },
        { extensionCode: '5', service: 'support' },
      ],
    });
    assert.equal(sameCode.statusCode, 400, sameCode.body);
    assert.deepEqual(errorPaths(sameCode), ['bindings.1.extensionCode']);

    const twoUncoded = await admin.post('/api/v1/numbers', {
      number: '+8675588883333',
      kind: 'direct',
      bindings: [{ service: 'sales' }, { service: 'support' }],
    });
    assert.equal(twoUncoded.statusCode, 400, twoUncoded.body);
    assert.deepEqual(errorPaths(twoUncoded), ['bindings.1.extensionCode']);
    assert.equal((await list(admin, '?q=88883333')).length, 0, 'nothing was registered');
  });

  it('[A1] a number is registered once across all tenants: 409 naming `number`', async () => {
    for (const written of ['12345', '+86 755 8888 0000', '+8675500000000']) {
      const duplicate = await admin.post('/api/v1/numbers', { number: written, kind: 'direct' });
      assert.equal(duplicate.statusCode, 409, written);
      assert.equal(duplicate.json().error.code, 'ERR_DUPLICATE');
      assert.deepEqual(errorPaths(duplicate), ['number']);
    }
    const other = await create(admin, { number: '+8675588884444', kind: 'direct' });
    const renamed = await admin.patch(`/api/v1/numbers/${other.id}`, { version: other.version, number: '12345' });
    assert.equal(renamed.statusCode, 409);
    assert.deepEqual(errorPaths(renamed), ['number']);
  });

  it('[A3] a business cannot bind its number to another tenant', async () => {
    for (const tenant of ['acme', 'no-such-tenant']) {
      const response = await admin.post('/api/v1/numbers', {
        number: '+8675588885555',
        kind: 'shared',
        bindings: [
          { extensionCode: '1', service: 'hotline' },
          { tenant, extensionCode: '2', service: 'hotline' },
        ],
      });
      assert.equal(response.statusCode, 400, tenant);
      assert.deepEqual(errorPaths(response), ['bindings.1.tenant']);
      assert.equal(response.json().error.details[0].message, 'only the platform binds numbers to other tenants', 'whether the tenant exists is not revealed');
    }
  });

  it('[A3] the platform admin sees the shared access number selecting acme by 8001 and demo by 8002', async () => {
    const [access] = await list(platform, '?kind=shared');
    assert.equal(access?.number, '+8675500000000');
    assert.deepEqual(routing(access as PhoneNumber), ['acme:8001:hotline/hotline', 'demo:8002:hotline/hotline', 'platform:-:access']);

    const second = await create(platform, {
      number: '+8675500000001',
      kind: 'shared',
      bindings: [
        { tenant: 'demo', extensionCode: '1', service: 'hotline', flow: 'main-menu' },
        { tenant: 'acme', extensionCode: '2', service: 'hotline' },
      ],
    });
    assert.deepEqual(routing(second), ['demo:1:hotline/main-menu', 'acme:2:hotline']);

    const unknown = await platform.post('/api/v1/numbers', {
      number: '+8675500000002',
      kind: 'shared',
      bindings: [{ tenant: 'nobody', extensionCode: '1', service: 'hotline' }],
    });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(errorPaths(unknown), ['bindings.0.tenant']);
  });

  it('filters by kind and by text in the number or label', async () => {
    await create(admin, { number: '+8640012340000', kind: 'forwarded', label: 'Beijing branch' });
    const forwarded = await list(admin, '?kind=forwarded');
    assert.ok(forwarded.length >= 1);
    assert.ok(forwarded.every((n) => n.kind === 'forwarded'));
    assert.deepEqual((await list(admin, '?q=beijing')).map((n) => n.number), ['+8640012340000']);
    assert.deepEqual((await list(admin, '?q=40012340')).map((n) => n.number), ['+8640012340000']);
    assert.deepEqual(await list(admin, '?q=nowhere'), []);
    const badKind = await admin.get('/api/v1/numbers?kind=mobile');
    assert.equal(badKind.statusCode, 400);
  });

  it('answers 409 to a change based on a stale version', async () => {
    const number = await create(admin, { number: '+8675588886666', kind: 'direct', label: 'first' });
    const first = await admin.patch(`/api/v1/numbers/${number.id}`, { version: 1, label: 'second' });
    assert.equal(first.statusCode, 200, first.body);
    const stale = await admin.patch(`/api/v1/numbers/${number.id}`, { version: 1, label: 'lost', bindings: [{ service: 'x' }] });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'ERR_STALE_VERSION');
    const read = (await admin.get(`/api/v1/numbers/${number.id}`)).json();
    assert.equal(read.label, 'second');
    assert.deepEqual(read.bindings, [], 'the stale change left the bindings alone');
  });

  it('a supervisor reads numbers but cannot change them; an agent cannot see them', async () => {
    const lead = await api.login('demo', 'lead');
    const hotline = (await list(lead, '?q=12345'))[0] as PhoneNumber;
    assert.equal((await lead.get(`/api/v1/numbers/${hotline.id}`)).statusCode, 200);
    const writes = [
      await lead.post('/api/v1/numbers', { number: '+8675588887777', kind: 'direct' }),
      await lead.patch(`/api/v1/numbers/${hotline.id}`, { version: hotline.version, label: 'x' }),
      await lead.delete(`/api/v1/numbers/${hotline.id}`),
    ];
    for (const w of writes) assert.equal(w.statusCode, 403);

    const agent = await api.login('demo', '1001');
    const read = await agent.get('/api/v1/numbers');
    assert.equal(read.statusCode, 403);
    assert.equal(read.json().error.code, 'ERR_FORBIDDEN');
  });

  it('one tenant cannot read or change another tenant’s number', async () => {
    const [acmeLine] = (await platform.request('GET', '/api/v1/numbers', undefined, { 'kefu-tenant': 'acme' })).json().items as PhoneNumber[];
    assert.equal(acmeLine?.number, '+8675588880000');
    assert.equal((await admin.get(`/api/v1/numbers/${acmeLine?.id}`)).statusCode, 404);
    assert.equal((await admin.patch(`/api/v1/numbers/${acmeLine?.id}`, { version: 1, label: 'mine' })).statusCode, 404);
    assert.equal((await admin.delete(`/api/v1/numbers/${acmeLine?.id}`)).statusCode, 404);
  });
});
