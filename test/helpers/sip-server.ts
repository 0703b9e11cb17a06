/**
 * A SipServer for tests and benchmarks: no accounts, generous protection, silent logs, and an
 * INVITE handler of the caller's choosing; `answerWithSdp` is the answering core most of them use.
 */
import { answerOffer } from '../../src/sdp/index.js';
import {
  defaultTimerValues,
  realTimerClock,
  SipServer,
  type InviteHandler,
  type ResponseOptions,
  type SipAccounts,
  type SipRequest,
  type TimerClock,
  type TransportOptions,
} from '../../src/sip/index.js';

export interface TestServerOptions {
  port?: number;
  clock?: TimerClock;
  now?: () => number;
  /** TLS, WebSocket and other transport settings. */
  transport?: Partial<TransportOptions>;
  /** No accounts unless given. */
  accounts?: SipAccounts;
}

export function startSipServer(invites: InviteHandler, options: TestServerOptions = {}): Promise<SipServer> {
  return SipServer.start({
    transport: { host: '127.0.0.1', port: options.port ?? 0, idleTimeoutMs: 60_000, maxConnections: 1000, ...options.transport },
    timers: defaultTimerValues,
    clock: options.clock ?? realTimerClock,
    now: options.now ?? (() => Date.now()),
    userAgent: 'Kefu/test',
    accounts: options.accounts ?? { find: async () => undefined, realm: async () => 'test' },
    invites,
    registrar: { defaultExpires: 3600, minExpires: 60, maxExpires: 7200 },
    digest: { nonceLifetimeMs: 60_000, algorithms: ['MD5'] },
    protection: { requestsPerSecond: 1e6, burst: 1e6, maxAuthFailures: 1e6, maxUnknownUsers: 1e6, windowMs: 60_000, coolingMs: 1, maxSources: 1000, dropScanners: false },
    onSecurityEvent: () => undefined,
    log: { info: () => undefined, warn: () => undefined },
  });
}

/** Answers an INVITE with 200 and an SDP answer to its offer (G.711, telephone-events), or the offer's error status. */
export function answerWithSdp(request: SipRequest, respond: (status: number, options?: ResponseOptions) => void): void {
  const answer = answerOffer(request.body.toString(), {
    address: '127.0.0.1',
    port: 40_000,
    codecs: ['PCMU', 'PCMA'],
    telephoneEvent: true,
    sessionId: 1,
    sessionVersion: 1,
  });
  if (answer.ok) respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(answer.sdp) });
  else respond(answer.status);
}
