import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { closeCodes, eventsProtocol } from '../../src/api/index.js';
import { EventHub, type NewEvent } from '../../src/events/index.js';
import { demoPassword, startTestApi, type TestApi } from '../helpers/api.js';
import { EventWatch, type Refusal } from '../helpers/event-watch.js';

function agentState(agentId: string, to = 'ready'): NewEvent {
  return { type: 'agent.state', data: { agentId, from: 'logged_out', to, reason: null, presence: to, by: null } };
}

function queueStats(queueId: string, waiting = 0): NewEvent {
  return {
    type: 'queue.stats',
    data: {
      queueId,
      waiting,
      longestWaitMs: 0,
      serviceLevel: { percent: null, answered: 0, answeredWithinThreshold: 0, abandoned: 0, targetPercent: 80, thresholdSeconds: 20 },
      agents: { ready: 1 },
    },
  };
}

/** A live server on a free port, the demo centre's tenant ids and agent ids, and session cookies. */
async function serve(api: TestApi) {
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = api.app.server.address() as AddressInfo;
  const tenant = async (slug: string) => (await api.store.repos.tenants.bySlug(slug))!.id;
  const demo = await tenant('demo');
  const agents = (await api.store.repos.agents.list(demo, {}, { limit: 10, offset: 0 })).items;
  const agentId = (username: string) => agents.find((agent) => agent.username === username)!.id;
  return {
    url: `ws://127.0.0.1:${port}/api/v1/events`,
    demo,
    acme: await tenant('acme'),
    a1001: agentId('1001'),
    a1002: agentId('1002'),
    async cookie(tenantSlug: string, username: string): Promise<string> {
      const response = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: tenantSlug, username, password: demoPassword } });
      assert.equal(response.statusCode, 200, response.body);
      return `kefu_session=${response.cookies.find((c) => c.name === 'kefu_session')!.value}`;
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    return error as Refusal;
  }
  assert.fail('the handshake was accepted');
}

describe('E6 /api/v1/events', () => {
  let api: TestApi;
  let hub: EventHub;
  let server: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    hub = new EventHub({ maxEvents: 20 });
    api = await startTestApi({ events: { hub, maxBufferedBytes: 512 * 1024 } });
    server = await serve(api);
  });
  after(() => api.close());

  it('the server holds the hub main.ts made; a plain GET is told to upgrade', async () => {
    assert.equal(api.app.events, hub);
    const plain = await api.app.inject({ method: 'GET', url: '/api/v1/events' });
    assert.equal(plain.statusCode, 426);
    assert.equal(plain.json().error.code, 'ERR_UPGRADE_REQUIRED');
  });

  it('a supervisor receives the tenant\'s events in order with seq; reconnecting with since gets exactly the missed ones', async () => {
    const cookie = await server.cookie('demo', 'lead');
    const first = await EventWatch.open(server.url, { headers: { cookie } });
    const [hello] = await first.take(1);
    assert.deepEqual(hello, { type: 'hello', stream: hub.stream, seq: hub.lastSeq(server.demo), tenantId: server.demo, view: 'tenant' });
    const start = hello!.seq as number;
    hub.publish(server.demo, agentState(server.a1001));
    hub.publish(server.demo, {
      type: 'interaction.offered',
      data: { interactionId: 'i1', queueId: 'sales', agentId: server.a1002, reservationId: 'r1', channel: 'voice', mode: 'live', expiresAt: 1 },
    });
    hub.publish(server.demo, queueStats('sales', 1));
    const received = await first.take(3);
    assert.deepEqual(received.map((f) => [f.seq, f.type]), [
      [start + 1, 'agent.state'],
      [start + 2, 'interaction.offered'],
      [start + 3, 'queue.stats'],
    ]);
    assert.equal(received[1]!.data.agentId, server.a1002, 'a supervisor sees every agent\'s offers');
    assert.match(received[0]!.at, /^\d{4}-\d\d-\d\dT/);
    assert.equal('audience' in received[0]!, false, 'who may see it stays on the server');
    first.close();
    await first.closed;

    hub.publish(server.demo, agentState(server.a1002, 'not_ready'));
    hub.publish(server.demo, queueStats('sales', 2));
    const again = await EventWatch.open(`${server.url}?since=${start + 3}&stream=${hub.stream}`, { headers: { cookie } });
    const [rehello, ...missed] = await again.take(3);
    assert.equal(rehello!.type, 'hello');
    assert.deepEqual(missed.map((f) => f.seq), [start + 4, start + 5]);
    hub.publish(server.demo, queueStats('sales', 3));
    assert.deepEqual((await again.take(1)).map((f) => f.seq), [start + 6], 'then live, without a gap or a repeat');
    again.close();
  });

  it('a since older than the buffer holds, or from another stream, gets a reset frame, then live events', async () => {
    const cookie = await server.cookie('demo', 'lead');
    const gone = hub.lastSeq(server.demo);
    for (let i = 0; i < 25; i++) hub.publish(server.demo, queueStats('sales'));
    const late = await EventWatch.open(`${server.url}?since=${gone}`, { headers: { cookie } });
    const [, reset] = await late.take(2);
    assert.deepEqual(reset, { type: 'reset', seq: gone + 25, reason: 'buffer_exceeded' });
    hub.publish(server.demo, queueStats('sales'));
    assert.equal((await late.take(1))[0]!.seq, gone + 26);
    late.close();
    const restarted = await EventWatch.open(`${server.url}?since=1&stream=another-run`, { headers: { cookie } });
    assert.equal((await restarted.take(2))[1]!.reason, 'unknown_seq');
    restarted.close();
  });

  it('an agent sees their own state and offers and every queue.stats, not another agent\'s events', async () => {
    const watch = await EventWatch.open(server.url, { headers: { cookie: await server.cookie('demo', '1001') } });
    assert.equal((await watch.take(1))[0]!.view, 'own');
    hub.publish(server.demo, agentState(server.a1002));
    hub.publish(server.demo, {
      type: 'interaction.offered',
      data: { interactionId: 'i2', queueId: 'sales', agentId: server.a1002, reservationId: 'r2', channel: 'voice', mode: 'live', expiresAt: 1 },
    });
    hub.publish(server.demo, { type: 'interaction.queued', data: { interactionId: 'i3', queueId: 'sales', channel: 'voice', position: 1, requeued: false } });
    hub.publish(server.demo, agentState(server.a1001, 'not_ready'));
    hub.publish(server.demo, {
      type: 'interaction.answered',
      data: { interactionId: 'i3', queueId: 'sales', agentId: server.a1001, reservationId: 'r3', channel: 'voice' },
    });
    hub.publish(server.demo, queueStats('sales'));
    const frames = await watch.take(3);
    assert.deepEqual(
      frames.map((f) => [f.type, f.data.agentId]),
      [
        ['agent.state', server.a1001],
        ['interaction.answered', server.a1001],
        ['queue.stats', undefined],
      ],
    );
    watch.close();
  });

  it('a second tenant sees nothing of the first, and counts its own seq', async () => {
    const acme = await EventWatch.open(server.url, { headers: { cookie: await server.cookie('acme', 'admin') } });
    const [hello] = await acme.take(1);
    assert.equal(hello!.tenantId, server.acme);
    for (let i = 0; i < 3; i++) hub.publish(server.demo, agentState(server.a1001));
    hub.publish(server.acme, queueStats('acme-line'));
    const [only] = await acme.take(1);
    assert.deepEqual([only!.seq, only!.data.queueId], [hello!.seq + 1, 'acme-line']);
    acme.close();
  });

  it('refuses an upgrade without credentials (401), with bad ones (401), and a cookie from another site\'s page (403)', async () => {
    const anonymous = await refusal(EventWatch.open(server.url));
    assert.equal(anonymous.status, 401);
    assert.equal(JSON.parse(anonymous.body).error.code, 'ERR_UNAUTHENTICATED');
    assert.equal((await refusal(EventWatch.open(server.url, { headers: { cookie: 'kefu_session=forged' } }))).status, 401);
    assert.equal((await refusal(EventWatch.open(server.url, { headers: { authorization: 'Bearer kefu_unknown' } }))).status, 401);
    const cookie = await server.cookie('demo', 'lead');
    const foreign = await refusal(EventWatch.open(server.url, { headers: { cookie }, origin: 'https://evil.example' }));
    assert.equal(foreign.status, 403);
    const own = await EventWatch.open(server.url, { headers: { cookie }, origin: new URL(server.url.replace('ws:', 'http:')).origin });
    own.close();
  });

  it('names a bad since in a 400', async () => {
    const cookie = await server.cookie('demo', 'lead');
    const bad = await refusal(EventWatch.open(`${server.url}?since=-3`, { headers: { cookie } }));
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.details[0].path, 'since');
  });

  it('a browser may send its API key as a subprotocol; only kefu.events is named back', async () => {
    const admin = await api.login('demo', 'admin');
    const { key } = (await admin.post('/api/v1/api-keys', { name: 'wallboard', roles: ['supervisor'] })).json();
    const watch = await EventWatch.open(server.url, { protocols: [eventsProtocol, `kefu.bearer.${key}`] });
    assert.equal(watch.ws.protocol, eventsProtocol);
    assert.equal((await watch.take(1))[0]!.view, 'tenant');
    watch.close();
    const withoutOurs = await refusal(EventWatch.open(server.url, { protocols: [`kefu.bearer.${key}`, 'chat'] }));
    assert.equal(withoutOurs.status, 400, 'offering subprotocols without kefu.events');
  });

  it('leaves a client asking for SIP (subprotocol sip) to the SIP stack', async () => {
    const cookie = await server.cookie('demo', 'lead');
    assert.equal((await refusal(EventWatch.open(server.url, { headers: { cookie }, protocols: ['sip'] }))).status, 404, 'no SIP stack in this server');
  });

  it('closes a client that stops reading with 4008, and keeps one that reads', async () => {
    const cookie = await server.cookie('demo', 'lead');
    const stalled = await EventWatch.open(server.url, { headers: { cookie } });
    const reading = await EventWatch.open(server.url, { headers: { cookie } });
    await stalled.take(1);
    await reading.take(1);
    // The `ws` client keeps its TCP socket in `_socket`; pausing it stops reading, as a stuck browser tab does.
    const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const filler = 'x'.repeat(64 * 1024);
    const count = 300;
    for (let i = 0; i < count; i++) {
      hub.publish(server.demo, { type: 'interaction.queued', data: { interactionId: filler, queueId: 'sales', channel: 'voice', position: i, requeued: false } });
      await turn();
    }
    assert.equal((await reading.take(count)).length, count);
    socket.resume();
    const closed = await stalled.ended();
    assert.equal(closed.code, closeCodes.slowConsumer);
    assert.match(closed.reason, /too slow: reconnect with since=\d+/);
    assert.ok(stalled.frames.length < count, 'it was closed before everything was sent');
    reading.close();
  });
});

describe('E6 /api/v1/events heartbeat', () => {
  let api: TestApi;
  let server: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    api = await startTestApi({ events: { pingIntervalMs: 200 } });
    server = await serve(api);
  });
  after(() => api.close());

  it('closes the stream with 4001 when its session ends', async () => {
    const cookie = await server.cookie('demo', 'lead');
    const watch = await EventWatch.open(server.url, { headers: { cookie } });
    await watch.take(1);
    const logout = await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    assert.equal(logout.statusCode, 204, logout.body);
    const closed = await watch.ended();
    assert.equal(closed.code, closeCodes.credentialsEnded);
  });

  it('drops a client that answers no ping, and keeps one that does', async () => {
    const cookie = await server.cookie('demo', 'lead');
    const silent = await EventWatch.open(server.url, { headers: { cookie }, autoPong: false });
    const answering = await EventWatch.open(server.url, { headers: { cookie } });
    await silent.take(1);
    await answering.take(1);
    const closed = await silent.ended();
    assert.equal(closed.code, 1006, 'terminated without a close frame (RFC 6455 §7.1.5)');
    assert.equal(answering.ws.readyState, answering.ws.OPEN);
    answering.close();
  });
});
