/**
 * Routing for every tenant of this node: a TenantRouter per tenant, made when first needed, after
 * this node took the tenant's lease (one routing instance per tenant, fenced by the lease's
 * epoch, so a second node cannot route the same tenant at once). Agents change state through it
 * (the CTI API), callers enter queues through it (the flows' queue node), and it answers queue
 * statistics. Queues and agents are read from the directory again when they may have changed.
 */
import { randomUUID } from 'node:crypto';
import { KefuError, NotFoundError, ValidationError } from '../errors.js';
import type { InteractionOfferedData, QueueStatsData, TransferTarget } from '../events/index.js';
import type { Presence } from './agent-state.js';
import type { Decision } from './events.js';
import { asAgentId, asInteractionId } from './ids.js';
import type { HandOff, QueueRequest, QueueRouter, QueueTicket } from '../calls/index.js';
import type { CallbackCalls, RouterLog, RoutingDirectory, RoutingEvents, RoutingStore, ScreenPopSource } from './ports.js';
import type { AgentView, QueueStats } from './routing-core.js';
import type { AgentEndpoint } from './remote-agent.js';
import { TenantRouter } from './tenant-router.js';

/** An agent's state, and where they take their calls (A4). */
export type AgentStateView = AgentView & { endpoint: AgentEndpoint };

/** The agent's state cannot change that way now (already logged in, not in wrap-up …). */
export class AgentStateError extends KefuError {
  readonly code = 'ERR_AGENT_STATE';
}

export interface RoutingServiceOptions {
  store: RoutingStore;
  directory: RoutingDirectory;
  events: RoutingEvents;
  log: RouterLog;
  now?: () => number;
  /** Who holds the leases: this node (a fresh id per process by default). */
  holder?: string;
  leaseTtlMs?: number;
  /** How old the queues and agents a caller is routed with may be. */
  refreshAfterMs?: number;
  /** Places callbacks (C5). */
  callbacks?: CallbackCalls;
  /** The customer's records for screen pops (C6). */
  screenPop?: ScreenPopSource;
}

/** What an agent (or a supervisor for them) asks of their state (D1). */
export type AgentCommand =
  /** `endpoint`: where the agent takes calls until they log out (A4); their phones when left out. */
  | { type: 'login'; reason?: string; endpoint?: AgentEndpoint }
  | { type: 'logout' }
  | { type: 'ready' }
  | { type: 'notReady'; reason: string }
  | { type: 'force'; to: Presence; reason?: string; by: string; endpoint?: AgentEndpoint }
  | { type: 'endWrapUp' }
  | { type: 'extendWrapUp'; seconds: number };

interface Entry {
  router: TenantRouter;
  loadedAt: number;
  renew: NodeJS.Timeout;
  /** A reading of the directory under way. */
  loading?: Promise<void> | undefined;
}

/** A tenant routed here: `entry` once its lease is taken and its queues and agents loaded, for synchronous reads. */
interface Routed {
  started: Promise<Entry>;
  entry?: Entry;
}

export class RoutingService implements QueueRouter {
  readonly #tenants = new Map<string, Routed>();
  readonly #holder: string;
  readonly #now: () => number;

  constructor(private readonly options: RoutingServiceOptions) {
    this.#holder = options.holder ?? `node-${randomUUID()}`;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The flows' queue node: the caller waits in `request.queue`; undefined when there is no such
   * queue. Routed with the queues and agents in memory: reading them again when old runs beside
   * the caller's routing, unless the queue is not known yet.
   */
  async enqueue(tenantId: string, request: QueueRequest): Promise<QueueTicket | undefined> {
    const router = await this.router(tenantId, false);
    const entry = this.#tenants.get(tenantId)?.entry;
    const old = entry !== undefined && this.#now() - entry.loadedAt > (this.options.refreshAfterMs ?? 5000);
    const reading = old ? this.refresh(entry).catch((error: unknown) => this.options.log.warn({ tenant: tenantId, err: String(error) }, 'queues and agents not read again')) : undefined;
    if (router.stats(request.queue) === undefined) {
      await reading;
      if (router.stats(request.queue) === undefined) return undefined;
    }
    return router.enqueue(request);
  }

  async command(tenantId: string, agentId: string, command: AgentCommand): Promise<AgentStateView> {
    const router = await this.router(tenantId, false);
    const row = router.agentRow(agentId);
    if (row === undefined) throw new NotFoundError('no such agent, or the agent is disabled');
    const agent = asAgentId(agentId);
    const endpoint = command.type === 'login' ? (command.endpoint ?? 'phone') : command.type === 'force' ? command.endpoint : undefined;
    if (endpoint === 'remote' && row.remoteNumber === null) {
      throw new ValidationError('the agent has no outside number to take calls on', [{ path: 'endpoint', message: 'give the agent a remoteNumber first' }]);
    }
    let decisions: Decision[];
    if (command.type === 'endWrapUp' || command.type === 'extendWrapUp') {
      const interaction = router.firstWork(agentId);
      if (router.agent(agentId)?.state !== 'wrap_up' || interaction === undefined) throw new AgentStateError('the agent is not in wrap-up');
      decisions =
        command.type === 'endWrapUp'
          ? router.step({ type: 'endWrapUp', interaction: asInteractionId(interaction) })
          : router.step({ type: 'extendWrapUp', interaction: asInteractionId(interaction), seconds: command.seconds });
    } else if (command.type === 'force') {
      decisions = router.step({ type: 'force', agent, to: command.to, by: command.by, ...(command.reason === undefined ? {} : { reason: command.reason }) });
    } else if (command.type === 'login') {
      decisions = router.step({ type: 'login', agent, ...(command.reason === undefined ? {} : { reason: command.reason }) });
    } else {
      decisions = router.step({ ...command, agent });
    }
    const refused = decisions.find((d) => d.type === 'refused');
    if (refused !== undefined) {
      if (refused.code === 'ERR_VALIDATION' || refused.code === 'ERR_UNKNOWN_REASON') throw new ValidationError(refused.message, [{ path: refused.field, message: refused.message }]);
      if (refused.code.startsWith('ERR_UNKNOWN_')) throw new NotFoundError(refused.message);
      throw new AgentStateError(refused.message, [{ path: refused.field, message: refused.message }]);
    }
    // Before the first offer to the agent is carried out: decisions are carried out after this.
    if (endpoint !== undefined) router.endpoints.use(agent, endpoint);
    await router.settled();
    return viewOf(router, agentId)!;
  }

  /**
   * Work given to an agent directly, not through a queue (an outbound call, E2): an interaction
   * held in the agent's voice slot, so routing offers them nothing until `finish`. Refused (409)
   * when the agent is logged out or already busy.
   */
  async assign(tenantId: string, agentId: string, work: { party: string }): Promise<string> {
    const router = await this.router(tenantId, false);
    if (router.agentRow(agentId) === undefined) throw new NotFoundError('no such agent, or the agent is disabled');
    const id = asInteractionId(randomUUID());
    const refused = router.step({ type: 'assign', interaction: id, channel: 'voice', agent: asAgentId(agentId) }).find((d) => d.type === 'refused');
    if (refused !== undefined) throw new AgentStateError(refused.message, [{ path: refused.field, message: refused.message }]);
    const { store, events } = this.options;
    const at = new Date(this.#now());
    await store.createInteraction(tenantId, { id, channel: 'voice', queue: null, sipCallId: null, caller: work.party, priority: 0, vip: false, createdAt: at });
    await store.updateInteraction(tenantId, id, { state: 'connected', answeredAt: at, agentId }, { at, kind: 'assigned', agentId, detail: { direction: 'outbound', party: work.party } });
    events.publish(tenantId, { type: 'interaction.answered', data: { interactionId: id, queueId: null, agentId, reservationId: null, channel: 'voice' } });
    return id;
  }

  /** The work `assign` gave is over: the agent's slot is free again (after wrap-up, if any). */
  async finish(tenantId: string, interactionId: string): Promise<void> {
    const router = await this.router(tenantId, false);
    router.step({ type: 'end', interaction: asInteractionId(interactionId) });
    await router.settled();
  }

  /**
   * Transfers the queued caller of `sipCallId`, connected to an agent now, to `queue` (D2):
   * `release` lets the agent go (wrap-up starts), then the caller waits in `queue` with the
   * priority they came with. 404 for an unknown queue or a call no queue's caller is on.
   */
  async requeue(tenantId: string, sipCallId: string, queue: string, release: () => Promise<unknown>): Promise<void> {
    const router = await this.router(tenantId, true);
    if (router.stats(queue) === undefined) throw new NotFoundError(`no queue ${queue}`);
    if (!(await router.releaseFor(sipCallId, { queue }, release))) throw new NotFoundError('no caller from a queue is connected on this call');
  }

  /**
   * Hands the queued caller of `sipCallId`, connected to an agent now, to a flow or a node of
   * their own flow ("manual to auto", B12): `release` lets the agent go (wrap-up starts), then the
   * caller's flow goes on there. 404 for a call no queue's caller is on.
   */
  async handOff(tenantId: string, sipCallId: string, to: HandOff, release: () => Promise<unknown>): Promise<void> {
    const router = await this.router(tenantId, false);
    if (!(await router.releaseFor(sipCallId, { hand: to }, release))) throw new NotFoundError('no caller from a queue is connected on this call');
  }

  /**
   * Names what the next transfer of the queued caller of `sipCallId` reaches (a department, whose
   * number the call layer dials), for its timeline and event; undefined forgets it.
   */
  async transferTarget(tenantId: string, sipCallId: string, target: TransferTarget | undefined): Promise<void> {
    (await this.router(tenantId, false)).transferTarget(sipCallId, target);
  }

  async agent(tenantId: string, agentId: string): Promise<AgentStateView | undefined> {
    return viewOf(await this.router(tenantId, false), agentId);
  }

  async agents(tenantId: string): Promise<AgentStateView[]> {
    const router = await this.router(tenantId, false);
    return (await this.options.directory.agents(tenantId)).map((row) => viewOf(router, row.id)).filter((view) => view !== undefined);
  }

  /** The agent's offer or interaction now, with its screen pop (C6). */
  async current(tenantId: string, agentId: string): Promise<InteractionOfferedData | undefined> {
    return (await this.router(tenantId, false)).current(agentId);
  }

  async stats(tenantId: string, queue: string): Promise<QueueStats | undefined> {
    return (await this.router(tenantId, false)).stats(queue);
  }

  /** The statistics of a queue of a tenant already routed here, as the event stream sends them. */
  statsNow(tenantId: string, queue: string): QueueStatsData | undefined {
    const stats = this.#tenants.get(tenantId)?.entry?.router.stats(queue);
    return stats === undefined ? undefined : { ...stats, queueId: stats.queue };
  }

  /** Queues or agents of the tenant changed (the API): read them again now. */
  async changed(tenantId: string): Promise<void> {
    const routed = this.#tenants.get(tenantId);
    if (routed === undefined) return;
    const entry = await routed.started;
    // A reading begun before the change must not land after this one.
    await entry.loading;
    await this.load(entry);
  }

  /** Stops every tenant's routing and gives their leases back. */
  async stop(): Promise<void> {
    const entries = await Promise.allSettled([...this.#tenants.values()].map((routed) => routed.started));
    this.#tenants.clear();
    for (const result of entries) {
      if (result.status !== 'fulfilled') continue;
      clearInterval(result.value.renew);
      result.value.router.stop();
      await result.value.router.settled();
      await this.options.store.releaseLease(result.value.router.lease).catch(() => undefined);
    }
  }

  private async router(tenantId: string, fresh: boolean): Promise<TenantRouter> {
    let routed = this.#tenants.get(tenantId);
    if (routed === undefined) {
      const started = this.start(tenantId);
      const made: Routed = { started };
      routed = made;
      this.#tenants.set(tenantId, made);
      started.then(
        (entry) => (made.entry = entry),
        () => this.#tenants.delete(tenantId),
      );
    }
    const ready = await routed.started;
    if (fresh && this.#now() - ready.loadedAt > (this.options.refreshAfterMs ?? 5000)) await this.load(ready);
    return ready.router;
  }

  private async start(tenantId: string): Promise<Entry> {
    const { store, log } = this.options;
    const ttl = this.options.leaseTtlMs ?? 30_000;
    const shard = `tenant:${tenantId}`;
    const lease = await store.acquireLease(shard, this.#holder, ttl, new Date(this.#now()));
    if (lease === undefined) throw new AgentStateError(`another node routes this tenant (lease ${shard})`);
    const router = new TenantRouter({ tenantId, lease, store, events: this.options.events, log, now: this.#now, callbacks: this.options.callbacks, screenPop: this.options.screenPop });
    const renew = setInterval(() => {
      store
        .renewLease(lease, ttl, new Date(this.#now()))
        .then((kept) => {
          if (kept) return;
          log.warn({ tenant: tenantId, shard }, 'routing lease lost: this node stops routing the tenant');
          clearInterval(renew);
          router.stop();
          this.#tenants.delete(tenantId);
        })
        .catch((error: unknown) => log.warn({ tenant: tenantId, err: String(error) }, 'routing lease not renewed'));
    }, ttl / 3);
    renew.unref();
    const entry: Entry = { router, loadedAt: 0, renew };
    await this.load(entry);
    return entry;
  }

  /** Reads the tenant's queues and agents again because they are old: one such reading at a time. */
  private refresh(entry: Entry): Promise<void> {
    entry.loading ??= this.load(entry).finally(() => (entry.loading = undefined));
    return entry.loading;
  }

  private async load(entry: Entry): Promise<void> {
    const tenantId = entry.router.lease.shard.slice('tenant:'.length);
    const [queues, agents, reasons] = await Promise.all([this.options.directory.queues(tenantId), this.options.directory.agents(tenantId), this.options.directory.notReadyReasons(tenantId)]);
    for (const refused of entry.router.configure(queues, agents, reasons)) {
      if (refused.type === 'refused') this.options.log.warn({ tenant: tenantId, field: refused.field, reason: refused.message }, 'routing settings refused');
    }
    entry.loadedAt = this.#now();
  }
}

function viewOf(router: TenantRouter, agentId: string): AgentStateView | undefined {
  const view = router.agent(agentId);
  return view === undefined ? undefined : { ...view, endpoint: router.endpoints.endpointOf(asAgentId(agentId)) };
}
