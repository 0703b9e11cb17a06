import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type Client, type TestApi } from '../helpers/api.js';

interface Flow {
  id: string;
  name: string;
  draft: { nodes: Record<string, { text?: string }> };
  liveVersion: number | null;
  version: number;
}

function greeting(text: string): object {
  return {
    start: 'hello',
    nodes: {
      hello: { type: 'say', text, exits: { next: 'bye' } },
      bye: { type: 'hangup' },
    },
  };
}

describe('[B11] flows API', () => {
  let api: TestApi;
  let admin: Client;

  before(async () => {
    api = await startTestApi();
    admin = await api.login('demo', 'admin');
  });
  after(() => api.close());

  const create = async (name: string, draft: object): Promise<Flow> => {
    const response = await admin.post('/api/v1/flows', { name, draft });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };

  it('saves a valid flow with its defaults, and refuses an invalid one naming the node', async () => {
    const flow = await create('hotline', greeting('欢迎致电{{tenant.name}}'));
    assert.equal(flow.liveVersion, null);
    assert.equal((flow.draft.nodes.hello as { bargeIn?: boolean }).bargeIn, false);

    const bad = await admin.post('/api/v1/flows', {
      name: 'broken',
      draft: { start: 'hello', nodes: { hello: { type: 'say', text: 'x', exits: { next: 'gone' } }, lost: { type: 'hangup' } } },
    });
    assert.equal(bad.statusCode, 400, bad.body);
    const details = bad.json().error.details as { path: string; message: string }[];
    assert.deepEqual(
      details.map((d) => d.path),
      ['draft.nodes.hello.exits.next', 'draft.nodes.lost'],
    );
    assert.match(details[0]!.message, /^hello: exit "next" leads to "gone"/);
  });

  it('checks a document without saving it', async () => {
    const response = await admin.post('/api/v1/flows/validate', { document: greeting('{{nobody}}') });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      ok: false,
      problems: [{ node: 'hello', path: 'nodes.hello.text', message: 'variable "nobody" is never set' }],
    });
  });

  it('publishes versions, keeps each one frozen, and rolls back', async () => {
    let flow = await create('night', greeting('v1'));
    const publish = async (): Promise<Flow> => {
      const response = await admin.post(`/api/v1/flows/${flow.id}/publish`, { version: flow.version });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
    flow = await publish();
    assert.equal(flow.liveVersion, 1);

    const edited = await admin.patch(`/api/v1/flows/${flow.id}`, { version: flow.version, draft: greeting('v2') });
    assert.equal(edited.statusCode, 200, edited.body);
    flow = edited.json();
    assert.equal(flow.liveVersion, 1, 'saving a draft does not change what calls run');
    flow = await publish();
    assert.equal(flow.liveVersion, 2);

    const versions = await admin.get(`/api/v1/flows/${flow.id}/versions`);
    assert.deepEqual(versions.json().items.map((v: { number: number; publishedBy: string }) => [v.number, v.publishedBy]), [
      [2, 'demo/admin'],
      [1, 'demo/admin'],
    ]);
    const v1 = await admin.get(`/api/v1/flows/${flow.id}/versions/1`);
    assert.equal(v1.json().document.nodes.hello.text, 'v1');

    const stale = await admin.post(`/api/v1/flows/${flow.id}/rollback`, { version: flow.version - 1, number: 1 });
    assert.equal(stale.statusCode, 409, stale.body);
    const missing = await admin.post(`/api/v1/flows/${flow.id}/rollback`, { version: flow.version, number: 7 });
    assert.equal(missing.statusCode, 404, missing.body);
    const back = await admin.post(`/api/v1/flows/${flow.id}/rollback`, { version: flow.version, number: 1 });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().liveVersion, 1);

    const demo = await api.store.repos.tenants.bySlug('demo');
    const live = await api.store.repos.flows.live(demo!.id, 'night');
    assert.deepEqual([live?.number, (live?.document as { nodes: { hello: { text: string } } }).nodes.hello.text], [1, 'v1']);
  });

  it('lets agents read flows but only administrators change them, and hides them from other tenants', async () => {
    const flow = await create('agents-see', greeting('hi'));
    const agent = await api.login('demo', '1001');
    assert.equal((await agent.get(`/api/v1/flows/${flow.id}`)).statusCode, 200);
    assert.equal((await agent.post(`/api/v1/flows/${flow.id}/publish`, { version: flow.version })).statusCode, 403);
    const acme = await api.login('acme', 'admin');
    assert.equal((await acme.get(`/api/v1/flows/${flow.id}`)).statusCode, 404);
    assert.equal((await acme.post(`/api/v1/flows/${flow.id}/publish`, { version: flow.version })).statusCode, 404);
    assert.equal((await acme.get(`/api/v1/flows/${flow.id}/versions`)).statusCode, 404);
  });

  it('names a taken flow name', async () => {
    await create('twice', greeting('a'));
    const again = await admin.post('/api/v1/flows', { name: 'twice', draft: greeting('b') });
    assert.equal(again.statusCode, 409);
    assert.deepEqual(again.json().error.details, [{ path: 'name', message: 'a flow with this name exists' }]);
  });
});
