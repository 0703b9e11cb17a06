/**
 * The Kefu API from the page: same origin, the session cookie set by POST /auth/login, JSON both
 * ways. A failure throws ApiError with the API's error code and the fields it names (400).
 */

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[],
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const json = response.headers.get('content-type')?.includes('json') ? ((await response.json()) as unknown) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: FieldProblem[] } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.details ?? []);
  }
  return json as T;
}

export interface Me {
  kind: string;
  id: string;
  name: string;
  roles: string[];
  tenant: { id: string; slug: string; name: string; nameEn: string | null };
  /** The user's own extension (agents, and supervisors given a phone), else null. */
  extension: string | null;
}

export const isSupervisor = (me: Me) => me.roles.some((role) => ['tenant_admin', 'supervisor', 'platform_admin'].includes(role));
export const isAdmin = (me: Me) => me.roles.some((role) => ['tenant_admin', 'platform_admin'].includes(role));
