/**
 * What an INVITE gets until the call layer can answer calls: 480 Temporarily Unavailable for a
 * number or extension Kefu knows, 404 Not Found (and a log line) for anything else.
 */
import type { InviteHandler, SipLog } from '../sip/index.js';
import { isSipUri, isTelUri } from '../sip/index.js';
import type { Repositories } from '../store/index.js';
import type { DirectoryAccounts } from './directory-accounts.js';

export function unansweredInvites(repos: Repositories, accounts: DirectoryAccounts, log: SipLog): InviteHandler {
  return {
    onInvite(request, _transaction, respond) {
      const uri = request.uri;
      const target = isSipUri(uri) ? uri.user : isTelUri(uri) ? uri.number : undefined;
      const domain = isSipUri(uri) ? uri.host : '';
      void (async () => {
        if (target !== undefined) {
          const number = await repos.numbers.byNumber(target);
          const tenant = await accounts.tenantFor(domain);
          const agent = tenant === undefined ? undefined : await repos.agents.sipCredentials(tenant.id, target);
          if (number !== undefined || agent !== undefined) {
            respond(480, { reason: 'Temporarily Unavailable' });
            return;
          }
        }
        log.info({ callId: request.callId, target: target ?? null }, 'INVITE for an unknown number');
        respond(404);
      })().catch(() => respond(500));
    },
  };
}
