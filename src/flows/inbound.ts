/**
 * Inbound calls to flows (FEATURES A2, A3, B11, I1): the number the caller meant (the original
 * number of a forwarded call first), whose it is and which flow it is bound to; on a shared
 * access number, the business the caller chooses by code. The live version is read once, so a
 * call finishes on the version it started with. Every answered call leaves a CDR with its trace.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { statusOfCause, type AnsweredLeg, type CallDecision, type CallRouter, type DialTarget, type HangupCause, type IncomingCall, type LegRecord, type QueueRouter } from '../calls/index.js';
import { OutboundTrunks, phoneVariants, screenCaller, type Presentation } from '../directory/index.js';
import type { MediaFiles, NumberBinding, PhoneNumber, Store, TenantRow } from '../store/index.js';
import { flowDocument, type FlowDocument } from './document.js';
import { FlowRun } from './interpreter.js';
import { phoneCall } from './phone-calls.js';
import { phrases } from './phrases.js';
import { storeServices } from './store-services.js';

export interface VoiceLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface VoiceServiceOptions {
  store: Store;
  media: MediaFiles;
  log: VoiceLog;
  now(): Date;
  /** The tenant of calls whose domain is no tenant's realm (phones dialling an IP address). */
  defaultTenant: string;
  /** Queues (the routing service). */
  queues: QueueRouter;
}

/** A service a call can be given: the tenant, its flow's live version, and the number used. */
interface Service {
  tenant: TenantRow;
  flow: string;
  version: number;
  document: FlowDocument;
}

const CODE_ATTEMPTS = 3;

type Refusal = Extract<CallDecision, { action: 'reject' }>;

export class VoiceService implements CallRouter {
  readonly #trunks = new OutboundTrunks();

  constructor(private readonly options: VoiceServiceOptions) {}

  async route(call: IncomingCall): Promise<CallDecision> {
    const { repos } = this.options.store;
    const { party } = call;
    const original = party.original === undefined ? undefined : await repos.numbers.byNumber(party.original);
    const number = original ?? (party.dialled === undefined ? undefined : await repos.numbers.byNumber(party.dialled));
    if (number === undefined) {
      const fromPhone = await phoneCall(
        { ...this.options, reach: (tenant, target, presentation) => this.reach(tenant, target, presentation), recordLeg: (tenant, record) => this.recordLeg(tenant, record) },
        call,
      );
      if (fromPhone !== undefined) return fromPhone;
      if (await this.isExtension(call)) return { action: 'reject', status: 480, reason: 'Temporarily Unavailable' };
      this.options.log.info({ callId: call.sipCallId, dialled: party.dialled ?? null, original: party.original ?? null }, 'call to an unknown number');
      return { action: 'reject', status: 404, reason: 'Not Found' };
    }
    const direct = number.bindings.find((b) => b.extensionCode === null && b.flow !== null);
    if (direct === undefined && number.kind === 'shared') {
      // The access number itself: the caller keys in the code of the business (FEATURES A3).
      return { action: 'answer', serve: (leg) => this.chooseByCode(call, number, leg) };
    }
    if (direct === undefined) {
      this.options.log.warn({ callId: call.sipCallId, number: number.number }, 'number has no flow bound');
      return { action: 'reject', status: 480, reason: 'No Service' };
    }
    const service = await this.service(direct);
    if (typeof service === 'string') return { action: 'reject', status: 480, reason: service };
    const refusal = await this.screen(call, service.tenant);
    if (refusal !== undefined) {
      await this.refused(call, service, number, refusal);
      return refusal;
    }
    return {
      action: 'answer',
      serve: (leg) => this.serve(call, number, service, leg),
      reach: (target) => this.reach(service.tenant, target, { tenantNumber: number.number, caller: call.party.caller }),
      owner: service.tenant.id,
      onLeg: (record) => this.recordLeg(service.tenant, record),
    };
  }

  /**
   * The CDR of another leg of a tenant's call (a phone rung, a transfer target), once it ended;
   * and of a call Kefu placed that nobody answered (its caller legs), which no flow served to
   * write one. Stored from the event loop's next turn: what the leg's end sets going now (its
   * agent freed and offered the next caller) goes to the database first.
   */
  recordLeg(tenant: TenantRow, record: LegRecord): void {
    void nextTurn()
      .then(() =>
        this.options.store.repos.cdrs.leg(tenant.id, {
          callId: record.callId,
          leg: record.role,
          sipCallId: record.sipCallId,
          caller: record.from ?? null,
          // The number or extension dialled; the phone's own address is the leg's SIP business.
          called: record.target ?? record.to ?? null,
          target: record.target ?? null,
          startedAt: record.startedAt,
          answeredAt: record.answeredAt ?? null,
          endedAt: record.endedAt,
          cause: record.cause,
          endedBy: record.endedBy,
          sipStatus: record.sipStatus ?? null,
        }),
      )
      .catch((error: unknown) => this.options.log.warn({ callId: record.sipCallId, err: String(error) }, 'CDR of a leg not written'));
  }

  /** A refused caller leaves a CDR too: never answered, the status and cause of the refusal. */
  private async refused(call: IncomingCall, service: Service, number: PhoneNumber, refusal: Refusal): Promise<void> {
    const dialled = call.party.dialled;
    const row = await this.options.store.repos.cdrs.start(service.tenant.id, {
      sipCallId: call.sipCallId,
      direction: 'inbound',
      caller: call.party.caller ?? null,
      called: dialled ?? null,
      originalCalled: call.party.original ?? (dialled === number.number ? null : number.number),
      flow: service.flow,
      flowVersion: service.version,
      startedAt: call.receivedAt,
    });
    const cause: HangupCause = refusal.status === 486 ? 'user_busy' : 'call_rejected';
    await this.options.store.repos.cdrs.change(service.tenant.id, row.id, { endedAt: this.options.now(), cause, endedBy: 'kefu', sipStatus: refusal.status });
  }

  /**
   * The phones registered for an extension of the tenant; for a number that is no extension,
   * the first of the tenant's trunks, then the shared ones, that takes it. `presentation` is
   * who the call is from, for the trunk's caller ID.
   */
  async reach(tenant: TenantRow, target: string, presentation: Presentation): Promise<DialTarget[]> {
    const { repos } = this.options.store;
    const bindings = await repos.sipBindings.live(tenant.id, target, this.options.now());
    if (bindings.length > 0) return bindings.map((binding) => ({ uri: binding.contact, source: binding.source }));
    // An agent who is not registered is unreachable: the extension never goes to a carrier.
    if ((await repos.agents.sipCredentials(tenant.id, target)) !== undefined) return [];
    const trunk = await this.#trunks.target(await repos.trunks.usable(tenant.id), target, presentation);
    return trunk === undefined ? [] : [trunk];
  }

  /**
   * The tenant's blacklist and whitelist (B10), tried with every form of the calling number. A
   * refused caller gets 486 or 403, or hears the refusal prompt; the refusal is logged.
   */
  private async screen(call: IncomingCall, tenant: TenantRow): Promise<Refusal | undefined> {
    const { repos } = this.options.store;
    const settings = await repos.callSettings.get(tenant.id);
    const forms = call.party.caller === undefined ? [undefined] : phoneVariants(call.party.caller);
    const verdicts = await Promise.all(
      forms.map(async (form) => screenCaller(settings, form === undefined ? [] : await repos.callerLists.matching(tenant.id, form), form)),
    );
    const blacklisted = verdicts.find((v) => v !== 'allow' && v.because === 'blacklisted');
    const verdict = blacklisted ?? (verdicts.every((v) => v !== 'allow') ? verdicts[0] : undefined);
    if (verdict === undefined || verdict === 'allow') return undefined;
    this.options.log.info({ callId: call.sipCallId, tenant: tenant.slug, caller: call.party.caller ?? null, because: verdict.because }, 'caller refused');
    switch (verdict.refuse) {
      case 'reject-busy':
        return { action: 'reject', status: statusOfCause('user_busy'), reason: 'Busy Here' };
      case 'reject-403':
        return { action: 'reject', status: statusOfCause('call_rejected'), reason: 'Forbidden' };
      case 'play-and-hang-up': {
        // The refusal prompt is early media before the 403: the caller hears it unanswered and unbilled.
        const prompt = verdict.prompt === null ? undefined : await repos.prompts.byName(tenant.id, verdict.prompt);
        const announcement = prompt === undefined ? undefined : [{ kind: 'file' as const, path: this.options.media.path(prompt.file) }];
        return { action: 'reject', status: statusOfCause('call_rejected'), reason: 'Forbidden', ...(announcement === undefined ? {} : { announcement }) };
      }
    }
  }

  /** An agent's extension in the tenant of the call's domain: known, though nobody answers it yet. */
  private async isExtension(call: IncomingCall): Promise<boolean> {
    const { repos } = this.options.store;
    if (call.party.dialled === undefined) return false;
    const tenant = (call.domain === undefined ? undefined : await repos.tenants.bySipRealm(call.domain)) ?? (await repos.tenants.bySlug(this.options.defaultTenant));
    return tenant !== undefined && (await repos.agents.sipCredentials(tenant.id, call.party.dialled)) !== undefined;
  }

  private async service(binding: NumberBinding): Promise<Service | string> {
    const { repos } = this.options.store;
    const tenant = await repos.tenants.get(binding.tenantId);
    if (tenant === undefined || tenant.status !== 'active') return 'Service Suspended';
    const live = binding.flow === null ? undefined : await repos.flows.live(tenant.id, binding.flow);
    if (live === undefined) return 'No Flow Published';
    const parsed = flowDocument.safeParse(live.document);
    if (!parsed.success) return 'Flow Unreadable';
    return { tenant, flow: live.name, version: live.number, document: parsed.data };
  }

  private async chooseByCode(call: IncomingCall, number: PhoneNumber, leg: AnsweredLeg): Promise<void> {
    const words = phrases['zh-CN'];
    for (let attempt = 0; attempt < CODE_ATTEMPTS && !leg.hungUp; attempt++) {
      await leg.play([{ kind: 'speech', text: words.enterCode, language: 'zh-CN' }], { bargeIn: true });
      const got = await leg.collect({ maxDigits: 8, timeoutMs: 8000, interDigitTimeoutMs: 4000, terminator: '#' });
      const binding = number.bindings.find((b) => b.extensionCode !== null && b.extensionCode === got.digits && b.flow !== null);
      if (binding !== undefined) {
        const service = await this.service(binding);
        if (typeof service !== 'string') return this.serve(call, number, service, leg);
      }
      if (!leg.hungUp) await leg.play([{ kind: 'speech', text: words.invalidKey, language: 'zh-CN' }], { bargeIn: false });
    }
  }

  private serve(call: IncomingCall, number: PhoneNumber, service: Service, leg: AnsweredLeg): Promise<void> {
    const dialled = call.party.dialled;
    return this.run(service, leg, {
      sipCallId: call.sipCallId,
      direction: 'inbound',
      party: call.party.caller,
      called: dialled,
      originalCalled: call.party.original ?? (dialled === number.number ? undefined : number.number),
      startedAt: call.receivedAt,
    });
  }

  /**
   * A call Kefu placed (POST /calls: a callback, a test) runs `flow`'s live version; the person
   * called is the flow's `caller`. Undefined when the tenant has no such live flow.
   */
  async outbound(tenant: TenantRow, flow: string, to: string, from: string): Promise<((leg: AnsweredLeg) => Promise<void>) | undefined> {
    const service = await this.service({ tenantId: tenant.id, tenantSlug: tenant.slug, extensionCode: null, service: 'callback', flow });
    if (typeof service === 'string') return undefined;
    const startedAt = this.options.now();
    return (leg) =>
      this.run(service, leg, { sipCallId: leg.sipCallId, direction: 'outbound', party: to, called: from, originalCalled: undefined, startedAt });
  }

  /**
   * Click to call (FEATURES D2, E2): once the agent's phone answered, dials `to` (an extension,
   * or an outside number through a trunk) showing the tenant's number `from`, and bridges them.
   * The agent's leg has the call's CDR; the number dialled gets a leg row of its own.
   */
  agentCall(tenant: TenantRow, to: string, from: string): { serve(leg: AnsweredLeg): Promise<void>; reach(target: string): Promise<DialTarget[]>; onLeg(record: LegRecord): void } {
    const { store } = this.options;
    const startedAt = this.options.now();
    return {
      reach: (target) => this.reach(tenant, target, { tenantNumber: from, caller: from }),
      onLeg: (record) => this.recordLeg(tenant, record),
      serve: async (leg) => {
        const cdr = await store.repos.cdrs.start(tenant.id, {
          callId: leg.callId,
          sipCallId: leg.sipCallId,
          direction: 'outbound',
          caller: from,
          called: to,
          originalCalled: null,
          flow: null,
          flowVersion: null,
          startedAt,
        });
        await store.repos.cdrs.change(tenant.id, cdr.id, { answeredAt: leg.answeredAt });
        await leg.dial({ targets: [to], timeoutMs: 60_000, callerId: 'caller' });
        if (!leg.hungUp) await leg.hangup();
        const end = await leg.ended;
        await store.repos.cdrs.change(tenant.id, cdr.id, { endedAt: end.at, cause: end.cause, endedBy: end.by });
      },
    };
  }

  /** Runs the service's flow on an answered leg, with a CDR from start to end. */
  private async run(service: Service, leg: AnsweredLeg, facts: CallFacts): Promise<void> {
    const { store, media, now } = this.options;
    const { tenant } = service;
    const party = facts.party;
    const customer = party === undefined ? undefined : await store.repos.customers.byAnyPhone(tenant.id, phoneVariants(party));
    const cdr = await store.repos.cdrs.start(tenant.id, {
      callId: leg.callId,
      sipCallId: facts.sipCallId,
      direction: facts.direction,
      caller: facts.direction === 'inbound' ? (party ?? null) : (facts.called ?? null),
      called: facts.direction === 'inbound' ? (facts.called ?? null) : (party ?? null),
      originalCalled: facts.originalCalled ?? null,
      flow: service.flow,
      flowVersion: service.version,
      startedAt: facts.startedAt,
    });
    await store.repos.cdrs.change(tenant.id, cdr.id, { answeredAt: leg.answeredAt });
    const services = await storeServices({
      store,
      media,
      tenant,
      call: { sipCallId: facts.sipCallId, caller: party, customerId: customer?.id },
      queues: this.options.queues,
      now,
    });
    const variables: Record<string, string> = {
      caller: party ?? '',
      called: facts.called ?? '',
      originalCalled: facts.originalCalled ?? facts.called ?? '',
      language: tenant.locale === 'en' ? 'en' : 'zh-CN',
      'call.id': facts.sipCallId,
      'tenant.name': tenant.name,
      'tenant.slug': tenant.slug,
      'customer.id': customer?.id ?? '',
      'customer.name': customer?.name ?? '',
      'customer.vip': customer?.vip === true ? 'true' : '',
    };
    const outcome = await new FlowRun({ document: service.document, channel: leg, services, variables }).run();
    if (!leg.hungUp) await leg.hangup();
    const end = await leg.ended;
    await store.repos.cdrs.change(tenant.id, cdr.id, { endedAt: end.at, cause: end.cause, endedBy: end.by, trace: outcome.trace.entries });
    this.options.log.info({ callId: facts.sipCallId, tenant: tenant.slug, flow: service.flow, version: service.version, end: outcome.end }, 'call served');
  }
}

/** Who is on a call, as its CDR and the flow's variables tell it. */
interface CallFacts {
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  /** The person: the caller of an inbound call, the one called by an outbound one. */
  party: string | undefined;
  /** The tenant's side: the number dialled, or the caller ID of an outbound call. */
  called: string | undefined;
  originalCalled: string | undefined;
  startedAt: Date;
}
