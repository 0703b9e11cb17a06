import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { callGateway, flowNode, type GatewayResult, type NodeOf } from '../../src/flows/index.js';

const orderXml =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  '<reply><order id="7"><status>已发货</status><number>007</number><note/></order>' +
  '<items><item>first</item><item>second</item></items></reply></soap:Body></soap:Envelope>';
// "<r><s>正常</s></r>" declared and encoded as GBK, as many Chinese business systems still answer.
const gbkXml = Buffer.concat([
  Buffer.from('<?xml version="1.0" encoding="GBK"?><r><s>'),
  Buffer.from([0xd5, 0xfd, 0xb3, 0xa3]),
  Buffer.from('</s></r>'),
]);

function answer(request: IncomingMessage, response: ServerResponse, body: string): void {
  const json = (value: unknown, status = 200): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  switch (request.url?.split('?')[0]) {
    case '/orders':
      return json({ data: { status: 'shipped', count: 3, paid: true, note: null }, orders: [{ id: 'A-1' }, { id: 'A-2' }] });
    case '/list':
      return json([{ id: 'first' }]);
    case '/echo':
      return json({ method: request.method, url: request.url, headers: request.headers, body });
    case '/echo-xml':
      response.writeHead(200, { 'content-type': 'application/xml' }).end(`<echo type="${request.headers['content-type']}">${body}</echo>`);
      return;
    case '/xml':
      response.writeHead(200, { 'content-type': 'text/xml' }).end(orderXml);
      return;
    case '/gbk':
      response.writeHead(200, { 'content-type': 'application/xml' }).end(gbkXml);
      return;
    case '/error':
      return json({ error: 'database down' }, 500);
    case '/missing':
      return json({ error: 'no such order' }, 404);
    case '/garbage':
      response.writeHead(200, { 'content-type': 'application/json' }).end('<html>Service Unavailable</html>');
      return;
    case '/broken-xml':
      response.writeHead(200, { 'content-type': 'application/xml' }).end('<reply><order>7</reply>');
      return;
    case '/xxe':
      response.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>');
      return;
    case '/empty':
      response.writeHead(204).end();
      return;
    case '/huge-declared':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) });
      response.write('['); // and then nothing more: the client must not wait for the rest
      return;
    case '/huge-chunked': {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = `"${'x'.repeat(64 * 1024)}",`;
      response.write('[');
      for (let i = 0; i < 20; i++) response.write(chunk);
      response.end('"end"]');
      return;
    }
    case '/slow':
      return; // never answers
    case '/slow-body':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":'); // headers and half an answer, then silence
      return;
    default:
      return json({ error: 'not here' }, 404);
  }
}

describe('[B3][I2] the business gateway (http node)', () => {
  let server: Server;
  let base: string;

  const node = (fields: Record<string, unknown>): NodeOf<'http'> => {
    const parsed = flowNode.parse({ type: 'http', exits: { ok: 'next', fail: 'sorry' }, ...fields, url: `${base}${String(fields.url)}` });
    assert.equal(parsed.type, 'http');
    return parsed as NodeOf<'http'>;
  };
  const failed = (result: GatewayResult) => {
    assert.equal(result.ok, false, JSON.stringify(result));
    return result.ok ? undefined : result;
  };

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => answer(request, response, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads values out of a JSON answer by path into variables', async () => {
    const result = await callGateway(
      node({
        url: '/orders?id={{order}}',
        results: { status: 'data.status', count: 'data.count', paid: 'data.paid', note: 'data.note', first: 'orders[0].id', second: 'orders[1].id', gone: 'orders[5].id', whole: 'data' },
      }),
      { order: 'A-1' },
    );
    assert.deepEqual(result, {
      ok: true,
      status: 200,
      values: { status: 'shipped', count: '3', paid: 'true', note: '', first: 'A-1', second: 'A-2', whole: '{"status":"shipped","count":3,"paid":true,"note":null}' },
    });
    const top = await callGateway(node({ url: '/list', results: { id: '[0].id', proto: '[0].constructor' } }), {});
    assert.deepEqual(top, { ok: true, status: 200, values: { id: 'first' } }, 'a path that is not there sets no variable');
  });

  it('reads XML by element path and @attribute, namespaces dropped and values kept as text', async () => {
    const result = await callGateway(
      node({
        url: '/xml',
        format: 'xml',
        results: {
          status: 'Envelope.Body.reply.order.status',
          number: 'Envelope.Body.reply.order.number',
          id: 'Envelope.Body.reply.order.@id',
          note: 'Envelope.Body.reply.order.note',
          first: 'Envelope.Body.reply.items.item[0]',
          second: 'Envelope.Body.reply.items.item[1]',
          single: 'Envelope.Body.reply.order[0].status',
        },
      }),
      {},
    );
    assert.deepEqual(result, {
      ok: true,
      status: 200,
      values: { status: '已发货', number: '007', id: '7', note: '', first: 'first', second: 'second', single: '已发货' },
    });
  });

  it('decodes an XML answer in the charset it declares (GBK)', async () => {
    assert.deepEqual(await callGateway(node({ url: '/gbk', format: 'xml', results: { s: 'r.s' } }), {}), { ok: true, status: 200, values: { s: '正常' } });
  });

  it('sends method, headers and body with every value escaped for where it lands', async () => {
    const variables = { caller: '+8613800138000', name: 'Ann "the boss" \\ </x>', token: 'abc\r\nX-Injected: 1' };
    const result = await callGateway(
      node({
        url: '/echo?from={{caller}}&who={{name}}',
        method: 'POST',
        headers: { Authorization: 'Bearer {{token}}', 'X-Tenant': 'demo' },
        body: '{"caller":"{{caller}}","name":"{{name}}"}',
        results: { seen: 'body', method: 'method', url: 'url', auth: 'headers.authorization', injected: 'headers.x-injected', type: 'headers.content-type' },
      }),
      variables,
    );
    assert.ok(result.ok, JSON.stringify(result));
    const { values } = result;
    assert.equal(values.method, 'POST');
    assert.equal(new URL(values.url!, base).searchParams.get('from'), '+8613800138000', 'a + survives the URL');
    assert.equal(new URL(values.url!, base).searchParams.get('who'), variables.name);
    assert.deepEqual(JSON.parse(values.seen!), { caller: '+8613800138000', name: variables.name }, 'quotes cannot break the JSON body');
    assert.equal(values.auth, 'Bearer abc X-Injected: 1', 'a line break cannot add a header');
    assert.equal(values.injected, undefined);
    assert.equal(values.type, 'application/json; charset=utf-8');

    const xmlPost = await callGateway(node({ url: '/echo', method: 'POST', format: 'json', headers: { 'Content-Type': 'application/xml' }, body: '<q>{{name}}</q>', results: { seen: 'body', type: 'headers.content-type' } }), variables);
    assert.ok(xmlPost.ok);
    assert.equal(xmlPost.values.type, 'application/xml', 'a Content-Type the node gives is kept');
  });

  it('escapes values as XML text in an XML body', async () => {
    const name = '</q><admin>yes</admin><q a="\'">&';
    const result = await callGateway(node({ url: '/echo-xml', method: 'POST', format: 'xml', body: '<q>{{name}}</q>', results: { q: 'echo.q', admin: 'echo.admin', type: 'echo.@type' } }), { name });
    assert.deepEqual(result, { ok: true, status: 200, values: { q: name, type: 'application/xml; charset=utf-8' } });
  });

  it('fails with `timeout` when the system does not answer in time, headers or body', async () => {
    for (const url of ['/slow', '/slow-body']) {
      const result = failed(await callGateway(node({ url, timeout: 0.2, results: { x: 'data' } }), {}));
      assert.equal(result?.reason, 'timeout', url);
    }
  });

  it('fails with `cancelled` when its owner aborts (the caller hung up)', async () => {
    const controller = new AbortController();
    const pending = callGateway(node({ url: '/slow', timeout: 30 }), {}, { signal: controller.signal });
    controller.abort();
    assert.equal(failed(await pending)?.reason, 'cancelled');
  });

  it('fails with `status` and the status for answers of 400 and more', async () => {
    assert.deepEqual(failed(await callGateway(node({ url: '/error' }), {})), { ok: false, reason: 'status', status: 500, message: 'the business system answered 500' });
    assert.equal(failed(await callGateway(node({ url: '/missing' }), {}))?.status, 404);
  });

  it('fails with `unparsable` for garbage, for an empty answer it must read, for XML that is not XML or names external entities', async () => {
    assert.equal(failed(await callGateway(node({ url: '/garbage', results: { x: 'data' } }), {}))?.reason, 'unparsable');
    assert.equal(failed(await callGateway(node({ url: '/broken-xml', format: 'xml', results: { x: 'reply' } }), {}))?.reason, 'unparsable');
    assert.equal(failed(await callGateway(node({ url: '/empty', results: { x: 'data' } }), {}))?.reason, 'unparsable');
    assert.equal(failed(await callGateway(node({ url: '/xxe', format: 'xml', results: { x: 'r' } }), {}))?.reason, 'unparsable', 'external entities are refused, not read');
    assert.deepEqual(await callGateway(node({ url: '/empty' }), {}), { ok: true, status: 204, values: {} }, 'nothing to read, nothing to parse');
    assert.deepEqual(await callGateway(node({ url: '/garbage' }), {}), { ok: true, status: 200, values: {} }, 'a node reading nothing does not judge the answer');
  });

  it('fails with `too-large` for an answer over the limit, declared or streamed', async () => {
    assert.equal(failed(await callGateway(node({ url: '/huge-declared', timeout: 5 }), {}))?.reason, 'too-large');
    assert.equal(failed(await callGateway(node({ url: '/huge-chunked' }), {}))?.reason, 'too-large');
    const roomy = await callGateway(node({ url: '/huge-chunked', results: { last: '[20]' } }), {}, { maxBytes: 4 * 1024 * 1024 });
    assert.deepEqual(roomy, { ok: true, status: 200, values: { last: 'end' } });
  });

  it('fails with `refused` where nothing listens, and `invalid-request` for what is not an http URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = flowNode.parse({ type: 'http', url: `http://127.0.0.1:${port}/x`, exits: { ok: 'a', fail: 'b' } }) as NodeOf<'http'>;
    assert.equal(failed(await callGateway(refused, {}))?.reason, 'refused');

    for (const url of ['{{where}}/orders', 'file:///etc/passwd', 'ftp://127.0.0.1/x']) {
      const bad = flowNode.parse({ type: 'http', url, exits: { ok: 'a', fail: 'b' } }) as NodeOf<'http'>;
      assert.equal(failed(await callGateway(bad, { where: 'http://127.0.0.1' }))?.reason, 'invalid-request', url);
    }
    const header = node({ url: '/orders', headers: { 'X-Name': '{{name}}' } });
    assert.equal(failed(await callGateway(header, { name: '张三' }))?.reason, 'invalid-request', 'header values are bytes, not any text');
  });
});
