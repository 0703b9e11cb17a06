/**
 * The agent desktop's softphone signs in to SIP with the page's login: a SIP WebSocket upgrade
 * on the HTTP port that carries the session cookie, from a page of this server's own origin,
 * speaks for the logged-in agent's extension in the agent's tenant (the SIP server then asks no
 * digest of it, so the page never needs a SIP password: agents' passwords are stored only as
 * HA1). A cookie sent by another site's page (cross-site WebSocket hijacking) vouches for nobody,
 * and the vouching ends with the session: logged out, expired, or the user disabled.
 */
import type { IncomingMessage } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import type { Store } from '../store/index.js';
import { sessionCookie, sha256 } from './auth.js';

/** The agent a SIP WebSocket connection speaks for (the SIP server's VouchedUser). */
export interface SipLogin {
  user: string;
  realm: string;
  valid(): Promise<boolean>;
}

export function sipLogins(store: Store, now: () => Date): (request: IncomingMessage) => Promise<SipLogin | undefined> {
  return async (request) => {
    if (!fromOwnPage(request)) return undefined;
    const token = request.headers.cookie === undefined ? undefined : fastifyCookie.parse(request.headers.cookie)[sessionCookie];
    if (token === undefined) return undefined;
    const tokenHash = sha256(token);
    const live = async () => {
      const session = await store.repos.sessions.live(tokenHash, now());
      if (session === undefined) return undefined;
      const [user, tenant, agent] = await Promise.all([
        store.repos.users.get(session.tenantId, session.userId),
        store.repos.tenants.get(session.tenantId),
        store.repos.agents.ofUser(session.tenantId, session.userId),
      ]);
      if (user === undefined || user.disabled || tenant === undefined || tenant.status !== 'active' || agent === undefined) return undefined;
      return { extension: agent.extension, realm: tenant.sipRealm };
    };
    const agent = await live();
    if (agent === undefined) return undefined;
    return {
      user: agent.extension,
      realm: agent.realm,
      valid: async () => {
        const still = await live();
        return still !== undefined && still.extension === agent.extension && still.realm === agent.realm;
      },
    };
  };
}

/** A browser always names the page's origin on a WebSocket handshake; only this server's own pages may use its cookie. */
function fromOwnPage(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
