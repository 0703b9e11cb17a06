import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.js';

describe('HTTP surface: operations, documents and errors', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('/healthz and /readyz answer, /readyz checking the database', async () => {
    assert.deepEqual((await api.anonymous.get('/healthz')).json(), { status: 'ok' });
    const ready = await api.anonymous.get('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().database, 'ok');
  });

  it('/metrics counts requests by route pattern and status, with process metrics', async () => {
    const admin = await api.login('demo', 'admin');
    await admin.get('/api/v1/customers/00000000-0000-4000-8000-000000000000');
    const text = (await api.anonymous.get('/metrics')).body;
    assert.match(text, /kefu_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/customers\/:id",status="404"\} 1/);
    assert.match(text, /kefu_process_resident_memory_bytes/);
  });

  it('every answer carries a request id, the caller’s own when it sends a sane one', async () => {
    const own = await api.anonymous.request('GET', '/healthz', undefined, { 'x-request-id': 'crm-42' });
    assert.equal(own.headers['x-request-id'], 'crm-42');
    const made = await api.anonymous.request('GET', '/healthz', undefined, { 'x-request-id': 'bad id\twith spaces' });
    assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and browsable docs', async () => {
    const doc = (await api.anonymous.get('/api/openapi.json')).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const path of ['/api/v1/auth/login', '/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/numbers', '/api/v1/api-keys', '/api/v1/audit']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.ok(doc.paths['/api/v1/customers'].post.requestBody, 'request bodies are documented from the schemas');
    const page = await api.anonymous.get('/api/docs/');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /html/);
  });

  it('answers unknown routes, broken JSON and wrong media types with the error shape', async () => {
    const missing = await api.anonymous.get('/api/v1/nothing-here');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'ERR_ROUTE_NOT_FOUND');

    const admin = await api.login('demo', 'admin');
    const broken = await admin.request('POST', '/api/v1/customers', '{"name": ', { 'content-type': 'application/json' });
    assert.equal(broken.statusCode, 400);
    assert.ok(broken.json().error.code);
    assert.ok(!broken.body.includes('at '), 'no stack trace');

    const text = await admin.request('POST', '/api/v1/customers', 'name=x', { 'content-type': 'text/plain' });
    assert.equal(text.statusCode, 415);
  });

  it('the front door leads to the API docs until the web console is built', async () => {
    const response = await api.anonymous.get('/');
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, '/api/docs');
  });

  it('a malformed id answers 400 naming it', async () => {
    const admin = await api.login('demo', 'admin');
    const response = await admin.get('/api/v1/customers/not-a-uuid');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.details[0].path, 'id');
  });
});
