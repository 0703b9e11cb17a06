import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface Department {
  id: string;
  name: string;
  nameEn: string;
  phones: string[];
  description: string;
  version: number;
}

function errorPaths(response: LightMyRequestResponse): string[] {
  return response.json().error.details.map((d: { path: string }) => d.path).sort();
}

describe('departments API', () => {
  let api: TestApi;
  let admin: Client;

  const names = async (client: Client, query = ''): Promise<string[]> => {
    const response = await client.get(`/api/v1/departments${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json().items.map((d: Department) => d.nameEn);
  };
  const create = async (client: Client, body: object): Promise<Department> => {
    const response = await client.post('/api/v1/departments', body);
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
  });
  after(() => api.close());

  it('[D6] every role reads the department directory with the phones to transfer callers to', async () => {
    const clients: [string, Client][] = [
      ['tenant_admin', admin],
      ['supervisor', await api.login('demo', 'lead')],
      ['agent', await api.login('demo', '1001')],
    ];
    for (const role of ['registrar', 'dispatcher', 'handler', 'statistician', 'expert']) {
      const user = await admin.post('/api/v1/users', { username: role, displayName: role, password: `${role}-password`, roles: [role] });
      assert.equal(user.statusCode, 201, user.body);
      clients.push([role, await api.login('demo', role, `${role}-password`)]);
    }
    for (const [role, client] of clients) {
      const response = await client.get('/api/v1/departments');
      assert.equal(response.statusCode, 200, role);
      const items = response.json().items as Department[];
      assert.deepEqual(items.map((d) => d.nameEn).sort(), ['Complaints Section', 'General Office', 'Technology Transfer Division'], role);
      const complaints = items.find((d) => d.nameEn === 'Complaints Section');
      assert.equal(complaints?.name, '投诉受理科');
      assert.deepEqual(complaints?.phones, ['+861062340003', '+861062340013'], role);
      assert.equal((await client.get(`/api/v1/departments/${complaints?.id}`)).statusCode, 200, role);
    }
  });

  it('[D6] a tenant admin adds, changes and removes a department, numbers stored as dialled', async () => {
    const created = await create(admin, {
      name: '政策法规处',
      nameEn: 'Policy and Regulations Division',
      phones: ['+86 10 6234-0004', '(010) 6234 0014'],
      description: '政策咨询 Policy questions',
    });
    assert.deepEqual(created.phones, ['+861062340004', '01062340014']);
    assert.equal(created.version, 1);

    const changed = await admin.patch(`/api/v1/departments/${created.id}`, { version: 1, phones: ['+861062340024'] });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json().phones, ['+861062340024']);
    assert.equal(changed.json().nameEn, 'Policy and Regulations Division', 'fields left out keep their values');

    const stale = await admin.patch(`/api/v1/departments/${created.id}`, { version: 1, description: 'lost' });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'ERR_STALE_VERSION');

    assert.equal((await admin.delete(`/api/v1/departments/${created.id}`)).statusCode, 204);
    assert.equal((await admin.get(`/api/v1/departments/${created.id}`)).statusCode, 404);
  });

  it('[D6] nobody but a tenant admin changes the directory', async () => {
    const [office] = (await admin.get('/api/v1/departments?q=general')).json().items as Department[];
    for (const username of ['lead', '1001']) {
      const client = await api.login('demo', username);
      const attempts = [
        await client.post('/api/v1/departments', { name: 'Shadow office' }),
        await client.patch(`/api/v1/departments/${office?.id}`, { version: office?.version, phones: ['110'] }),
        await client.delete(`/api/v1/departments/${office?.id}`),
      ];
      for (const attempt of attempts) {
        assert.equal(attempt.statusCode, 403, username);
        assert.equal(attempt.json().error.code, 'ERR_FORBIDDEN');
      }
    }
    const read = (await admin.get(`/api/v1/departments/${office?.id}`)).json() as Department;
    assert.deepEqual(read.phones, ['+861062340001'], 'the office keeps its number');
    assert.deepEqual(await names(admin, '?q=shadow'), []);
  });

  it('answers 409 naming `name` to a second department of the same name in one tenant', async () => {
    const twin = await admin.post('/api/v1/departments', { name: '办公室', nameEn: 'Second office' });
    assert.equal(twin.statusCode, 409);
    assert.equal(twin.json().error.code, 'ERR_DUPLICATE');
    assert.deepEqual(errorPaths(twin), ['name']);

    const other = await create(admin, { name: '人事处', nameEn: 'Personnel' });
    const renamed = await admin.patch(`/api/v1/departments/${other.id}`, { version: other.version, name: '办公室' });
    assert.equal(renamed.statusCode, 409);
    assert.deepEqual(errorPaths(renamed), ['name']);

    const acme = await api.login('acme', 'admin');
    const own = await create(acme, { name: '办公室', nameEn: 'Acme office' });
    assert.equal(own.name, '办公室', 'another tenant may use the same name');
    assert.deepEqual(await names(acme), ['Acme office'], 'and sees only its own departments');
  });

  it('answers 400 naming a phone that is not a number, and a missing name', async () => {
    const bad = await admin.post('/api/v1/departments', { phones: ['+86 10 6234 0001', 'ask reception'] });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorPaths(bad), ['name', 'phones.1']);
  });

  it('finds a department by its Chinese or English name', async () => {
    assert.deepEqual(await names(admin, '?q=complaints'), ['Complaints Section']);
    assert.deepEqual(await names(admin, '?q=成果'), ['Technology Transfer Division']);
  });
});
