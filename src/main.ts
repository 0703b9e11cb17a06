/**
 * Start-up: config → store → directory (platform, demo centre) → media workers → API and SIP,
 * and an orderly stop on SIGTERM/SIGINT. The one place that creates the node's long-lived objects.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { buildServer, sipLogins } from './api/index.js';
import { CallService, DirectoryAccounts, TrustedSources } from './calls/index.js';
import { configHelp, loadConfig, type Config } from './config.js';
import { platformAdminUsername, platformSlug, preparePlatform, seedDemoCentre, type DemoCredential } from './directory/index.js';
import { ConfigError, KefuError } from './errors.js';
import { EventHub, QueueStatsFeed, systemStatsClock } from './events/index.js';
import { seedDemoFlows, VoiceService, warmSpeech, type DemoMailboxPin } from './flows/index.js';
import { MediaEngine, SpeechSynthesizer } from './media/index.js';
import { loggerOptions, Metrics } from './ops/index.js';
import { RoutingService, storeDirectory, storeScreenPop, type CallbackCalls } from './routing/index.js';
import { realTimerClock, SipServer } from './sip/index.js';
import { MediaFiles, Store, type TenantRow } from './store/index.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(configHelp());
    return;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`kefu ${version}\n`);
    return;
  }
  const config = loadConfig();
  const tls = tlsCredentials(config);
  const store = await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const platform = await preparePlatform(store, config.adminPassword);
  const demo = config.demo && (await store.repos.tenants.count()) === 1 ? await seedDemo(store, platform.tenant, config) : undefined;

  const engine = await MediaEngine.start({
    workers: config.mediaWorkers,
    host: config.host,
    portMin: config.rtpPortMin,
    portMax: config.rtpPortMax,
    noRtpTimeoutMs: config.rtpTimeout * 1000,
    symmetricRtp: config.symmetricRtp,
    speechCacheDir: join(config.dataDir, 'media', 'speech'),
  });

  const metrics = new Metrics();
  const files = new MediaFiles(join(config.dataDir, 'media'));
  const log = pino(loggerOptions(config.logLevel));
  // Before anything routes: the calls, callers, offers and agents the last run left up, waiting,
  // ringing or logged in end now, with cause node_restart (issue 6 item 9). One node holds every
  // shard, so it recovers them all.
  const recovered = await store.repos.recovery.afterRestart(new Date());
  if (Object.values(recovered).some((count) => count > 0)) log.warn({ recovered }, 'ended what the last run left open');
  // The node's live events: the routing service publishes, /api/v1/events carries them to browsers.
  const events = new EventHub({ onSubscriberError: (error, tenantId) => log.error({ err: error, tenantId }, 'event subscriber failed and was dropped') });
  const queueStats = new QueueStatsFeed({ hub: events, provider: (tenantId, queue) => routing.statsNow(tenantId, queue), clock: systemStatsClock });
  const routing = new RoutingService({
    store: store.repos.routing,
    directory: storeDirectory(store),
    events: { publish: (tenantId, event) => void events.publish(tenantId, event), queueChanged: (tenantId, queue) => queueStats.markDirty(tenantId, queue) },
    log,
    callbacks: callbackCalls(),
    screenPop: storeScreenPop(store),
  });
  const voice = new VoiceService({ store, media: files, log, now: () => new Date(), defaultTenant: config.sipDefaultTenant, queues: routing });
  const calls = new CallService({
    engine,
    router: voice,
    mediaAddress: mediaAddress(config.host),
    log,
    invite: (options) => sip.invite(options),
  });
  /** A callback rings the agent from the tenant's first number; the agent's line dials the customer as that number (C5). */
  function callbackCalls(): CallbackCalls {
    return {
      async callAgent(tenantId, call) {
        const tenant = await store.repos.tenants.get(tenantId);
        if (tenant === undefined) return false;
        const from = (await store.repos.numbers.list(tenant.id, {}, { limit: 1, offset: 0 })).items[0]?.number ?? tenant.slug;
        const presentation = { tenantNumber: from, caller: undefined };
        const phones = await voice.reach(tenant, call.target, presentation);
        if (phones.length === 0) return false;
        let served: Promise<void> | undefined;
        const answered = await calls.originate({
          owner: tenant.id,
          from,
          to: call.target,
          phones,
          timeoutMs: call.timeoutMs,
          cancel: call.cancel,
          reach: (target) => voice.reach(tenant, target, presentation),
          onLeg: (record) => voice.recordLeg(tenant, record),
          serve: (leg) => (served = call.serve(leg)),
        });
        if (answered === undefined) return false;
        await served;
        return true;
      },
    };
  }
  const app = await buildServer({
    store,
    media: files,
    metrics,
    logLevel: config.logLevel,
    log,
    version,
    calls: { service: calls, voice },
    routing,
    events: { hub: events },
    webRoot: fileURLToPath(new URL('./web', import.meta.url)),
    // SIP over WebSocket shares the HTTP port: upgrades at KEFU_SIP_WS_PATH go to the SIP stack.
    upgrade: (request, socket, head) => sip.acceptUpgrade(request, socket, head),
    sipWebSocketPath: config.sipWsPath,
    // The prompts page's preview is rare and short: spoken here, cached with the workers' speech.
    speech: new SpeechSynthesizer(join(config.dataDir, 'media', 'speech')),
  });
  const accounts = new DirectoryAccounts(store.repos, config.sipDefaultTenant);
  const trusted = new TrustedSources(config.sipTrusted, () => store.repos.trunks.hosts());
  await trusted.refresh();
  const trustedRefresh = setInterval(() => void trusted.refresh().catch((error: unknown) => log.warn({ err: String(error) }, 'trunk addresses not read')), 30_000);
  trustedRefresh.unref();
  const sip = await SipServer.start({
    transport: {
      host: config.host,
      port: config.sipPort,
      idleTimeoutMs: 10 * 60_000,
      maxConnections: 10_000,
      ...(tls !== undefined ? { tls: { ...tls, port: config.sipTlsPort } } : {}),
      // The agent desktop's page registers its extension with its login cookie, no SIP password (api/sip-login.ts).
      websocket: { path: config.sipWsPath, pingIntervalMs: 30_000, vouch: sipLogins(store, () => new Date()), ...(config.sipWsPort > 0 ? { port: config.sipWsPort } : {}) },
      limits: { maxMessageBytes: config.sipMaxMessageBytes, maxHeaderCount: config.sipMaxHeaders, maxLineLength: config.sipMaxLine },
    },
    timers: { t1: config.sipT1Ms, t2: config.sipT2Ms, t4: config.sipT4Ms },
    clock: realTimerClock,
    now: () => Date.now(),
    userAgent: `Kefu/${version}`,
    accounts,
    invites: calls,
    registrar: { defaultExpires: 3600, minExpires: 60, maxExpires: 7200 },
    // MD5 first by default: SIPp and many deployed phones answer only the first challenge; SHA-256 clients find theirs second.
    digest: { nonceLifetimeMs: 5 * 60_000, algorithms: config.sipDigestAlgorithms, secret: randomBytes(32) },
    protection: {
      requestsPerSecond: config.sipRateLimit,
      burst: config.sipRateLimit * 4,
      trusted: (source) => trusted.has(source),
      maxAuthFailures: 20,
      maxUnknownUsers: 20,
      windowMs: 60_000,
      coolingMs: 10 * 60_000,
      maxSources: 100_000,
      dropScanners: true,
    },
    onSecurityEvent: (event) => {
      metrics.sipSecurityEvents.inc({ reason: event.reason });
      app.log.warn({ securityEvent: event }, `SIP source ${event.source} blocked: ${event.reason}`);
    },
    log: app.log,
  });
  // The first caller should not wait for espeak-ng: the flows' fixed texts are spoken now, by the
  // media workers (resampling speech is heavy work the SIP server's thread must not do).
  warmSpeech(store, (text, language) => engine.prepare([{ kind: 'speech', text, language }]))
    .then((count) => app.log.info({ texts: count }, 'speech cache warmed'))
    .catch((error: unknown) => app.log.warn({ err: String(error) }, 'speech cache not warmed'));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    try {
      clearInterval(trustedRefresh);
      // Routing first: it decides and records nothing more, so what it had of the calls ends at
      // the next start (cause node_restart). Then every caller and phone gets a BYE, not silence.
      await routing.stop();
      const ended = await calls.live.endAll('temporary_failure', 3000);
      if (ended > 0) app.log.info({ calls: ended }, 'calls in progress ended');
      // SIP before HTTP: its WebSocket connections hold sockets of the HTTP server, which waits for them.
      await sip.close();
      await app.close();
      await engine.stop();
      await store.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'unclean stop');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.host, port: config.httpPort });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.httpPort;
  process.stdout.write(banner(config, `http://${urlHost(config.host)}:${port}`, sip, store.kind, platform.generatedAdminPassword, demo));
}

/** The TLS certificate and key files, read once at start; none when they are not configured. */
function tlsCredentials(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (config.sipTlsCert === undefined || config.sipTlsKey === undefined) return undefined;
  const read = (path: string, env: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError(`${env}=${path} cannot be read: ${(error as Error).message}`, [{ path: env, message: 'cannot be read' }]);
    }
  };
  const credentials = { cert: read(config.sipTlsCert, 'KEFU_SIP_TLS_CERT'), key: read(config.sipTlsKey, 'KEFU_SIP_TLS_KEY') };
  try {
    createSecureContext(credentials);
  } catch (error) {
    throw new ConfigError(`KEFU_SIP_TLS_CERT and KEFU_SIP_TLS_KEY are not a PEM certificate and its key: ${(error as Error).message}`, [
      { path: 'KEFU_SIP_TLS_CERT', message: 'not a usable certificate and key' },
    ]);
  }
  return credentials;
}

/** The banner's lines for TLS and WebSocket. */
function sipExtras(config: Config, url: string, sip: SipServer): string[] {
  const host = urlHost(config.host);
  const lines = [`                WebSocket ${url.replace(/^http/, 'ws')}${config.sipWsPath} (subprotocol sip)`];
  const tls = sip.localPort('TLS');
  if (tls !== undefined) lines.push(`                tls ${host}:${tls}`);
  const own = sip.localPort('WSS') ?? sip.localPort('WS');
  if (own !== undefined) lines.push(`                ${sip.localPort('WSS') !== undefined ? 'wss' : 'ws'}://${host}:${own}/`);
  return lines;
}

interface DemoSeeded {
  credentials: DemoCredential[];
  pins: DemoMailboxPin[];
}

async function seedDemo(store: Store, platform: TenantRow, config: Config): Promise<DemoSeeded> {
  const credentials = await seedDemoCentre(store, platform, config.demoPassword);
  const [demo, acme] = await Promise.all([store.repos.tenants.bySlug('demo'), store.repos.tenants.bySlug('acme')]);
  const pins = await seedDemoFlows(store, { demo: demo!, acme: acme! });
  return { credentials, pins };
}

/**
 * The address callers send RTP to: the listening address, or when Kefu listens on every
 * interface, the first external IPv4 address (loopback on a machine without one).
 */
function mediaAddress(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal);
  return external?.address ?? '127.0.0.1';
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function banner(
  config: Config,
  url: string,
  sip: SipServer,
  database: string,
  adminPassword: string | undefined,
  demo: DemoSeeded | undefined,
): string {
  const lines = [
    '',
    `Kefu ${version} is running.`,
    `  Web and API   ${url}/        (API docs: ${url}/api/docs)`,
    `  Health        ${url}/healthz  ${url}/readyz  ${url}/metrics`,
    `  SIP           udp and tcp ${urlHost(config.host)}:${sip.port} (phones register as <extension>@<tenant realm>)`,
    ...sipExtras(config, url, sip),
    `  Database      ${database === 'embedded' ? `embedded, in ${config.dataDir}/db` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Platform      tenant "${platformSlug}", user "${platformAdminUsername}", password ${
      adminPassword !== undefined ? `${adminPassword}   <- shown once, keep it` : config.adminPassword !== undefined ? 'from KEFU_ADMIN_PASSWORD' : 'as set at first start'
    }`,
  ];
  if (demo !== undefined) {
    const shown = config.demoPassword !== undefined ? 'from KEFU_DEMO_PASSWORD' : undefined;
    lines.push('  Demo centre created (log in with tenant, username, password):');
    for (const c of demo.credentials) {
      const sip = c.sip === undefined ? '' : `   SIP ${c.sip.extension}@${c.sip.realm} password ${shown ?? c.sip.password}`;
      lines.push(`    ${c.tenant.padEnd(6)} ${c.username.padEnd(6)} ${(shown ?? c.password).padEnd(22)} ${c.roles.join(',').padEnd(13)}${sip}`);
    }
    for (const p of demo.pins) lines.push(`    ${p.tenant.padEnd(6)} mailbox ${p.mailbox.padEnd(9)} PIN ${p.pin}`);
    lines.push(`    ${shown === undefined ? 'These passwords and' : 'The mailbox'} PINs are shown once, now.`);
  }
  return `${lines.join('\n')}\n\n`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof KefuError) process.stderr.write(`kefu: ${error.message}\n`);
  else process.stderr.write(`kefu: could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
