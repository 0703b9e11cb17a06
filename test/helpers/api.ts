/**
 * A Kefu API over a fresh database holding the demo centre, driven with `inject()`: real routes,
 * real validation, real SQL; no network.
 */
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer, type EventStreamOptions } from '../../src/api/index.js';
import { preparePlatform, seedDemoCentre } from '../../src/directory/index.js';
import { Metrics } from '../../src/ops/index.js';
import { MediaFiles, Store } from '../../src/store/index.js';
import { testStore } from './store.js';

export const platformPassword = 'platform-secret-1';
export const demoPassword = 'demo-secret-1';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Client {
  request(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export interface TestApi {
  app: FastifyInstance;
  store: Store;
  /** Where the API keeps audio files. */
  mediaDir: string;
  /** A client without credentials. */
  anonymous: Client;
  /** Logs in (asserting success) and returns a client carrying the session cookie. */
  login(tenant: string, username: string, password?: string): Promise<Client>;
  /** A client sending `Authorization: Bearer <key>`. */
  withKey(key: string): Client;
  close(): Promise<void>;
}

export async function startTestApi(options: { now?: () => Date; events?: Partial<EventStreamOptions> } = {}): Promise<TestApi> {
  const test = await testStore();
  const { store, database } = test;
  const platform = await preparePlatform(store, platformPassword);
  await seedDemoCentre(store, platform.tenant, demoPassword);
  const mediaDir = join(database.dataDir, 'media');
  const app = await buildServer({
    store,
    media: new MediaFiles(mediaDir),
    metrics: new Metrics(),
    logLevel: 'silent',
    version: 'test',
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.events !== undefined ? { events: options.events } : {}),
  });

  const client = (extra: Record<string, string>): Client => {
    const request: Client['request'] = (method, url, body, headers = {}) =>
      app.inject({
        method,
        url,
        headers: { ...extra, ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    return {
      request,
      get: (url) => request('GET', url),
      post: (url, body) => request('POST', url, body),
      patch: (url, body) => request('PATCH', url, body),
      delete: (url) => request('DELETE', url),
    };
  };

  return {
    app,
    store,
    mediaDir,
    anonymous: client({}),
    async login(tenant, username, password) {
      const secret = password ?? (tenant === 'platform' ? platformPassword : demoPassword);
      const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant, username, password: secret } });
      if (response.statusCode !== 200) throw new Error(`login ${tenant}/${username} failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'kefu_session');
      if (cookie === undefined) throw new Error('login set no session cookie');
      return client({ cookie: `kefu_session=${cookie.value}` });
    },
    withKey: (key) => client({ authorization: `Bearer ${key}` }),
    async close() {
      await app.close();
      await test.close();
    },
  };
}
