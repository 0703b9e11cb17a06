/**
 * Calls from a tenant's own phones (FEATURES E2): an agent dials another extension, or an outside
 * number that leaves through the tenant's trunk under the trunk's caller-ID rules. Only a phone
 * that authenticated may (RFC 3261 §22.3: 407, then the INVITE again with Proxy-Authorization);
 * an INVITE from where a phone registered is challenged, so that nobody else calls out on the
 * tenant's trunks, and anything else is no phone's call. Each such call leaves a CDR.
 */
import type { AnsweredLeg, CallDecision, DialTarget, IncomingCall, LegRecord } from '../calls/index.js';
import type { Presentation } from '../directory/index.js';
import type { Store, TenantRow } from '../store/index.js';

/** How long the extension or outside number rings. */
const RING_MS = 60_000;

export interface PhoneCallContext {
  store: Store;
  log: { info(fields: object, message: string): void };
  now(): Date;
  /** The tenant of phones that registered at an address rather than a tenant's realm. */
  defaultTenant: string;
  reach(tenant: TenantRow, target: string, presentation: Presentation): Promise<DialTarget[]>;
  recordLeg(tenant: TenantRow, record: LegRecord): void;
}

/** The decision for a call to something that is no tenant number; undefined when it is no phone's call. */
export async function phoneCall(context: PhoneCallContext, call: IncomingCall): Promise<CallDecision | undefined> {
  const { repos } = context.store;
  const dialled = call.party.dialled;
  if (dialled === undefined) return undefined;
  if (call.authenticated === undefined) {
    if (!(await repos.sipBindings.registeredFrom(call.source, context.now()))) return undefined;
    return { action: 'challenge', domain: call.domain ?? '' };
  }
  const { user, domain } = call.authenticated;
  const tenant = (await repos.tenants.bySipRealm(domain)) ?? (await repos.tenants.bySlug(context.defaultTenant));
  if (tenant === undefined || tenant.status !== 'active') return undefined;
  const tenantNumber = (await repos.numbers.list(tenant.id, {}, { limit: 1, offset: 0 })).items[0]?.number ?? tenant.slug;
  return {
    action: 'answer',
    owner: tenant.id,
    reach: (target) => context.reach(tenant, target, { tenantNumber, caller: user }),
    onLeg: (record) => context.recordLeg(tenant, record),
    serve: (leg) => connect(context, tenant, leg, { user, dialled, startedAt: call.receivedAt }),
  };
}

async function connect(context: PhoneCallContext, tenant: TenantRow, leg: AnsweredLeg, call: { user: string; dialled: string; startedAt: Date }): Promise<void> {
  const { cdrs } = context.store.repos;
  const cdr = await cdrs.start(tenant.id, {
    callId: leg.callId,
    sipCallId: leg.sipCallId,
    direction: 'outbound',
    caller: call.user,
    called: call.dialled,
    originalCalled: null,
    flow: null,
    flowVersion: null,
    startedAt: call.startedAt,
  });
  // The call is answered when what it dialled answers, not when Kefu took it to ring that: the
  // CDR of a call nobody answered says so, and why, for reports and bills.
  const outcome = await leg.dial({
    targets: [call.dialled],
    timeoutMs: RING_MS,
    callerId: 'caller',
    onAnswer: async () => {
      await cdrs.change(tenant.id, cdr.id, { answeredAt: context.now() });
      return true;
    },
  });
  if (!leg.hungUp) await leg.hangup();
  const end = await leg.ended;
  const refused = !outcome.answered && outcome.cause !== undefined ? { cause: outcome.cause, endedBy: 'callee' as const } : { cause: end.cause, endedBy: end.by };
  await cdrs.change(tenant.id, cdr.id, { endedAt: end.at, ...refused });
  context.log.info({ callId: leg.sipCallId, tenant: tenant.slug, from: call.user, to: call.dialled, answered: outcome.answered }, 'phone call ended');
}
