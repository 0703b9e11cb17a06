// A SIP server that answers every INVITE with 200 and an SDP answer: the load target of
// bench/sip-cps.ts. Prints its port on stdout, then serves until killed.
import { answerOffer } from '../../src/sdp/index.js';
import { defaultTimerValues, realTimerClock, SipServer } from '../../src/sip/index.js';

const server = await SipServer.start({
  transport: { host: '127.0.0.1', port: Number(process.argv[2] ?? 0), idleTimeoutMs: 60_000, maxConnections: 1000 },
  timers: defaultTimerValues,
  clock: realTimerClock,
  now: () => Date.now(),
  userAgent: 'Kefu/bench',
  accounts: { find: async () => undefined, realm: async () => 'bench' },
  invites: {
    onInvite(request, _transaction, respond) {
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
    },
  },
  registrar: { defaultExpires: 3600, minExpires: 60, maxExpires: 7200 },
  digest: { nonceLifetimeMs: 60_000, algorithms: ['MD5'] },
  protection: { requestsPerSecond: 1e6, burst: 1e6, maxAuthFailures: 1e6, maxUnknownUsers: 1e6, windowMs: 60_000, coolingMs: 1, maxSources: 1000, dropScanners: false },
  onSecurityEvent: () => undefined,
  log: { info: () => undefined, warn: () => undefined },
});
process.stdout.write(`${server.port}\n`);
