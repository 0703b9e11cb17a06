/**
 * Start-up: config → store → directory (platform, demo centre) → API, and an orderly stop on
 * SIGTERM/SIGINT. The one place that creates the node's long-lived objects.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { buildServer } from './api/index.js';
import { DirectoryAccounts, unansweredInvites } from './calls/index.js';
import { configHelp, loadConfig, type Config } from './config.js';
import { platformAdminUsername, platformSlug, preparePlatform, seedDemoCentre, type DemoCredential } from './directory/index.js';
import { KefuError } from './errors.js';
import { Metrics } from './ops/index.js';
import { realTimerClock, SipServer } from './sip/index.js';
import { Store } from './store/index.js';

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
  const store = await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const platform = await preparePlatform(store, config.adminPassword);
  const demo =
    config.demo && (await store.repos.tenants.count()) === 1
      ? await seedDemoCentre(store, platform.tenant, config.demoPassword)
      : undefined;

  const metrics = new Metrics();
  const app = await buildServer({ store, metrics, logLevel: config.logLevel, version });
  const accounts = new DirectoryAccounts(store.repos, config.sipDefaultTenant);
  const sip = await SipServer.start({
    transport: {
      host: config.host,
      port: config.sipPort,
      idleTimeoutMs: 10 * 60_000,
      maxConnections: 10_000,
      limits: { maxMessageBytes: config.sipMaxMessageBytes, maxHeaderCount: config.sipMaxHeaders, maxLineLength: config.sipMaxLine },
    },
    timers: { t1: config.sipT1Ms, t2: config.sipT2Ms, t4: config.sipT4Ms },
    clock: realTimerClock,
    now: () => Date.now(),
    userAgent: `Kefu/${version}`,
    accounts,
    invites: unansweredInvites(store.repos, accounts, app.log),
    registrar: { defaultExpires: 3600, minExpires: 60, maxExpires: 7200 },
    // MD5 first by default: SIPp and many deployed phones answer only the first challenge; SHA-256 clients find theirs second.
    digest: { nonceLifetimeMs: 5 * 60_000, algorithms: config.sipDigestAlgorithms, secret: randomBytes(32) },
    protection: {
      requestsPerSecond: 50,
      burst: 200,
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
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    try {
      await app.close();
      await sip.close();
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
  process.stdout.write(banner(config, `http://${urlHost(config.host)}:${port}`, sip.port, store.kind, platform.generatedAdminPassword, demo));
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function banner(
  config: Config,
  url: string,
  sipPort: number,
  database: string,
  adminPassword: string | undefined,
  demo: DemoCredential[] | undefined,
): string {
  const lines = [
    '',
    `Kefu ${version} is running.`,
    `  Web and API   ${url}/        (API docs: ${url}/api/docs)`,
    `  Health        ${url}/healthz  ${url}/readyz  ${url}/metrics`,
    `  SIP           udp and tcp ${urlHost(config.host)}:${sipPort} (phones register as <extension>@<tenant realm>)`,
    `  Database      ${database === 'embedded' ? `embedded, in ${config.dataDir}/db` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Platform      tenant "${platformSlug}", user "${platformAdminUsername}", password ${
      adminPassword !== undefined ? `${adminPassword}   <- shown once, keep it` : config.adminPassword !== undefined ? 'from KEFU_ADMIN_PASSWORD' : 'as set at first start'
    }`,
  ];
  if (demo !== undefined) {
    const shown = config.demoPassword !== undefined ? 'from KEFU_DEMO_PASSWORD' : undefined;
    lines.push('  Demo centre created (log in with tenant, username, password):');
    for (const c of demo) {
      const sip = c.sip === undefined ? '' : `   SIP ${c.sip.extension}@${c.sip.realm} password ${shown ?? c.sip.password}`;
      lines.push(`    ${c.tenant.padEnd(6)} ${c.username.padEnd(6)} ${(shown ?? c.password).padEnd(22)} ${c.roles.join(',').padEnd(13)}${sip}`);
    }
    if (shown === undefined) lines.push('    These passwords are shown once, now.');
  }
  return `${lines.join('\n')}\n\n`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof KefuError) process.stderr.write(`kefu: ${error.message}\n`);
  else process.stderr.write(`kefu: could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
