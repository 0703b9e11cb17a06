/** A Kefu node's API as a logged-in user, for the end-to-end tests. */

export interface ApiAnswer {
  status: number;
  /** The body parsed, when it was JSON; else empty. */
  json: Record<string, unknown>;
  bytes: Buffer;
}

export interface NodeApi {
  /** The session cookie (`kefu_session=…`). */
  cookie: string;
  request(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
}

/** Logs in at `url` and returns a client for `/api/v1`. */
export async function nodeApi(url: string, tenant: string, username: string, password: string): Promise<NodeApi> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant, username, password }),
  });
  if (login.status !== 200) throw new Error(`login of ${tenant}/${username} answered ${login.status}`);
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  return {
    cookie,
    async request(method, path, body) {
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const json = response.headers.get('content-type')?.includes('json') ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>) : {};
      return { status: response.status, json, bytes };
    },
  };
}

/** Logs agent `username` in to the API and into routing, ready for calls from the queues. */
export async function readyAgent(url: string, tenant: string, username: string, password: string): Promise<NodeApi> {
  const api = await nodeApi(url, tenant, username, password);
  const answer = await api.request('POST', '/agents/me/state', { action: 'login' });
  if (answer.status !== 200) throw new Error(`agent ${username} could not log in: ${answer.status} ${JSON.stringify(answer.json)}`);
  return api;
}

/** Changes some settings of a tenant's queue, keeping the rest. */
export async function tuneQueue(admin: NodeApi, name: string, settings: Record<string, unknown>): Promise<void> {
  const queue = (await admin.request('GET', `/queues/${name}`)).json as { version: number; settings: Record<string, unknown> };
  const answer = await admin.request('PUT', `/queues/${name}`, { version: queue.version, settings: { ...queue.settings, ...settings } });
  if (answer.status !== 200) throw new Error(`queue ${name} not changed: ${answer.status} ${JSON.stringify(answer.json)}`);
}
