/**
 * Kefu's configuration: one zod schema over environment variables and an optional `kefu.yaml`.
 * Every setting has a fixed environment name (operators and tests rely on them), a key in
 * kefu.yaml, a default that runs the demo centre, and a sentence for `kefu --help`.
 * The environment wins over the file. A bad value stops start-up with a message that names the
 * setting, the value given and what is allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const password = z.string().min(8, 'at least 8 characters');
const integer = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const digestAlgorithmNames = ['MD5', 'SHA-256'] as const;
const digestAlgorithms = z
  .string()
  .default('MD5,SHA-256')
  .transform((text) => text.split(',').map((name) => name.trim().toUpperCase()))
  .pipe(
    z
      .array(z.enum(digestAlgorithmNames))
      .min(1)
      .refine((names) => new Set(names).size === names.length, 'each algorithm once'),
  );
/** An IPv4 or IPv6 address, or a subnet of one in CIDR notation. */
const isAddressOrSubnet = (entry: string) => {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
const addressList = z
  .string()
  .default('')
  .transform((text) => text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .pipe(z.array(z.string().refine(isAddressOrSubnet, 'an IP address or a CIDR subnet')));
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The settings, in the order `kefu --help` lists them. */
const settings = {
  dataDir: {
    env: 'KEFU_DATA_DIR',
    schema: z.string().min(1).default('./data'),
    allowed: 'a directory path',
    help: 'where Kefu keeps the embedded database (db/) and audio files (media/)',
  },
  host: {
    env: 'KEFU_HOST',
    schema: z.string().min(1).default('127.0.0.1'),
    allowed: 'an IP address or host name to listen on (0.0.0.0 for every interface)',
    help: 'address the HTTP and SIP servers listen on',
  },
  httpPort: {
    env: 'KEFU_HTTP_PORT',
    schema: port(8080),
    allowed: 'an integer from 0 to 65535 (0 picks a free port)',
    help: 'port of the web console, the API and the operations endpoints',
  },
  sipPort: {
    env: 'KEFU_SIP_PORT',
    schema: port(5060),
    allowed: 'an integer from 0 to 65535 (0 picks a free port)',
    help: 'port of the SIP server (UDP and TCP)',
  },
  sipTlsPort: {
    env: 'KEFU_SIP_TLS_PORT',
    schema: port(5061),
    allowed: 'an integer from 0 to 65535 (0 picks a free port)',
    help: 'port of SIP over TLS; it listens only when KEFU_SIP_TLS_CERT and KEFU_SIP_TLS_KEY are set',
  },
  sipTlsCert: {
    env: 'KEFU_SIP_TLS_CERT',
    schema: z.string().min(1).optional(),
    allowed: 'the path of a PEM certificate (chain) file, or unset',
    help: 'certificate of SIP over TLS and of secure WebSocket (WSS) on KEFU_SIP_WS_PORT; set with KEFU_SIP_TLS_KEY',
  },
  sipTlsKey: {
    env: 'KEFU_SIP_TLS_KEY',
    schema: z.string().min(1).optional(),
    allowed: 'the path of a PEM private key file, or unset',
    help: 'private key of KEFU_SIP_TLS_CERT',
  },
  sipWsPath: {
    env: 'KEFU_SIP_WS_PATH',
    schema: z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/, 'a URL path starting with /').default('/sip'),
    allowed: 'a URL path starting with / (letters, digits, . _ ~ / -)',
    help: 'path of SIP over WebSocket (RFC 7118, subprotocol sip) on the HTTP port',
  },
  sipWsPort: {
    env: 'KEFU_SIP_WS_PORT',
    schema: port(0),
    allowed: 'an integer from 1 to 65535, or 0 for none',
    help: 'a port of its own for SIP over WebSocket, any path (WSS when the TLS certificate is set); 0 = only on the HTTP port',
  },
  sipDefaultTenant: {
    env: 'KEFU_SIP_DEFAULT_TENANT',
    schema: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'a tenant slug').default('demo'),
    allowed: 'the slug of a tenant',
    help: 'tenant of SIP requests whose domain is no tenant realm (phones registering to an IP address)',
  },
  sipMaxMessageBytes: {
    env: 'KEFU_SIP_MAX_MESSAGE_BYTES',
    schema: integer(65_535, 1_024, 1_048_576),
    allowed: 'an integer from 1024 to 1048576',
    help: 'largest SIP message accepted, headers and body; a larger request gets 513 (or its TCP connection is closed)',
  },
  sipMaxHeaders: {
    env: 'KEFU_SIP_MAX_HEADERS',
    schema: integer(256, 16, 10_000),
    allowed: 'an integer from 16 to 10000',
    help: 'most header fields accepted in one SIP message; more gets 400',
  },
  sipMaxLine: {
    env: 'KEFU_SIP_MAX_LINE',
    schema: integer(8_192, 256, 65_535),
    allowed: 'an integer from 256 to 65535',
    help: 'longest line (start line or header) accepted in a SIP message, in characters; longer gets 400',
  },
  sipT1Ms: {
    env: 'KEFU_SIP_T1_MS',
    schema: integer(500, 10, 60_000),
    allowed: 'an integer from 10 to 60000 (milliseconds)',
    help: 'SIP timer T1, the round-trip estimate (RFC 3261 §17.1.1.1); retransmissions start at it',
  },
  sipT2Ms: {
    env: 'KEFU_SIP_T2_MS',
    schema: integer(4_000, 10, 600_000),
    allowed: 'an integer from 10 to 600000 (milliseconds), not below T1',
    help: 'SIP timer T2, the longest retransmission interval (RFC 3261 §17.1.2.2)',
  },
  sipT4Ms: {
    env: 'KEFU_SIP_T4_MS',
    schema: integer(5_000, 0, 600_000),
    allowed: 'an integer from 0 to 600000 (milliseconds)',
    help: 'SIP timer T4, how long a message may stay in the network (RFC 3261 §17.1.2.2)',
  },
  sipDigestAlgorithms: {
    env: 'KEFU_SIP_DIGEST_ALGORITHMS',
    schema: digestAlgorithms,
    allowed: 'MD5 and SHA-256, comma-separated, each once, in the order to offer them',
    help: 'digest algorithms a SIP challenge offers, first preferred; MD5 alone for phones that give up when any challenge is not MD5 (baresip 1.0)',
  },
  sipRateLimit: {
    env: 'KEFU_SIP_RATE_LIMIT',
    schema: integer(50, 1, 1_000_000),
    allowed: 'an integer from 1 to 1000000 (requests per second)',
    help: 'SIP requests per second one source address may send, with a burst of four seconds of it; beyond, the source is ignored for ten minutes (trusted sources excepted)',
  },
  sipTrusted: {
    env: 'KEFU_SIP_TRUSTED',
    schema: addressList,
    allowed: 'IP addresses and CIDR subnets, comma-separated (empty for none)',
    help: 'SIP sources never rate-limited or blocked: your carriers\' SBCs, a proxy in front of Kefu; the addresses of configured trunks are trusted too',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    allowed: 'a postgres:// URL, or unset for the embedded database',
    help: 'PostgreSQL server to use instead of the embedded database in KEFU_DATA_DIR/db',
  },
  rtpPortMin: {
    env: 'KEFU_RTP_PORT_MIN',
    schema: z.coerce.number().int().min(1024).max(65534).default(20000),
    allowed: 'an integer from 1024 to 65534, below KEFU_RTP_PORT_MAX',
    help: 'lowest UDP port for RTP (even ports for RTP, the odd one above for RTCP without rtcp-mux)',
  },
  rtpPortMax: {
    env: 'KEFU_RTP_PORT_MAX',
    schema: z.coerce.number().int().min(1025).max(65535).default(29999),
    allowed: 'an integer from 1025 to 65535, above KEFU_RTP_PORT_MIN',
    help: 'highest UDP port for RTP',
  },
  mediaWorkers: {
    env: 'KEFU_MEDIA_WORKERS',
    schema: z.coerce.number().int().min(1).max(256).default(availableParallelism()),
    allowed: 'an integer from 1 to 256',
    help: 'media worker threads that run the RTP sessions (default: one per core)',
  },
  rtpTimeout: {
    env: 'KEFU_RTP_TIMEOUT',
    schema: z.coerce.number().min(1).max(3600).default(30),
    allowed: 'seconds, from 1 to 3600',
    help: 'a call whose peer sends no RTP for this long raises a media timeout',
  },
  symmetricRtp: {
    env: 'KEFU_SYMMETRIC_RTP',
    schema: flag(true),
    allowed: 'true or false',
    help: 'send RTP to where the peer’s packets come from (RFC 4961), for callers behind NAT',
  },
  adminPassword: {
    env: 'KEFU_ADMIN_PASSWORD',
    schema: password.optional(),
    allowed: 'a password of at least 8 characters, or unset',
    help: "platform administrator's password; unset = a random one printed once at first start",
  },
  demo: {
    env: 'KEFU_DEMO',
    schema: flag(true),
    allowed: 'true or false',
    help: 'create the demo centre (tenants demo and acme) on first start with an empty database',
  },
  demoPassword: {
    env: 'KEFU_DEMO_PASSWORD',
    schema: password.optional(),
    allowed: 'a password of at least 8 characters, or unset',
    help: "every demo user's login and SIP password; unset = random ones printed once",
  },
  logLevel: {
    env: 'KEFU_LOG_LEVEL',
    schema: z.enum(logLevels).default('info'),
    allowed: logLevels.join(', '),
    help: 'how much the JSON log on standard output says',
  },
} satisfies Record<string, { env: string; schema: z.ZodType; allowed: string; help: string }>;

type Settings = typeof settings;
export type SettingKey = keyof Settings;
export type Config = { [K in SettingKey]: z.output<Settings[K]['schema']> };

const configSchema = z.object(
  Object.fromEntries(Object.entries(settings).map(([key, s]) => [key, s.schema])) as {
    [K in SettingKey]: Settings[K]['schema'];
  },
);

const settingKeys = Object.keys(settings) as SettingKey[];

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Path of the YAML file; by default `KEFU_CONFIG` or `./kefu.yaml` when it exists. */
  file?: string;
}

/** Reads, validates and returns the configuration, or throws a ConfigError naming every bad setting. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.KEFU_CONFIG ?? (existsSync('kefu.yaml') ? 'kefu.yaml' : undefined);
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};

  if (file !== undefined) {
    const fromFile = readYaml(file);
    for (const [key, value] of Object.entries(fromFile)) {
      if (!(settingKeys as string[]).includes(key)) {
        throw new ConfigError(`${file}: unknown setting "${key}"; known: ${settingKeys.join(', ')}`);
      }
      raw[key] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
      origin[key] = `${key} in ${file}`;
    }
  }
  for (const key of settingKeys) {
    const value = env[settings[key].env];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      origin[key] = settings[key].env;
    }
  }

  const result = configSchema.safeParse(raw);
  if (result.success) {
    if ((result.data.sipTlsCert === undefined) !== (result.data.sipTlsKey === undefined)) {
      const path = result.data.sipTlsCert === undefined ? settings.sipTlsCert.env : settings.sipTlsKey.env;
      throw new ConfigError(`Invalid configuration:\n  KEFU_SIP_TLS_CERT and KEFU_SIP_TLS_KEY are set together or not at all; ${path} is missing`, [
        { path, message: 'KEFU_SIP_TLS_CERT and KEFU_SIP_TLS_KEY are set together or not at all' },
      ]);
    }
    const { rtpPortMin, rtpPortMax, mediaWorkers } = result.data;
    // Each media worker binds its own slice of the range: at least one RTP/RTCP port pair each.
    if (rtpPortMax - rtpPortMin + 1 < 2 * mediaWorkers) {
      const message = `KEFU_RTP_PORT_MIN=${rtpPortMin} and KEFU_RTP_PORT_MAX=${rtpPortMax} leave fewer than 2 ports for each of ${mediaWorkers} media workers`;
      throw new ConfigError(`Invalid configuration:\n  ${message}`, [{ path: 'KEFU_RTP_PORT_MAX', message }]);
    }
    const { sipT1Ms, sipT2Ms } = result.data;
    // RFC 3261 §17.1.2.2: intervals double from T1 up to T2, so T2 below T1 means nothing.
    if (sipT2Ms < sipT1Ms) {
      const message = `${origin.sipT2Ms ?? settings.sipT2Ms.env}=${sipT2Ms} is below ${origin.sipT1Ms ?? settings.sipT1Ms.env}=${sipT1Ms}; T2 must be at least T1`;
      throw new ConfigError(`Invalid configuration:\n  ${message}`, [{ path: settings.sipT2Ms.env, message }]);
    }
    return { ...result.data, dataDir: resolve(result.data.dataDir) } as Config;
  }

  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0]) as SettingKey;
    const setting = settings[key];
    return {
      path: setting.env,
      message: `${origin[key] ?? setting.env}=${JSON.stringify(raw[key])} is not allowed (${issue.message}); allowed: ${setting.allowed}`,
    };
  });
  throw new ConfigError(`Invalid configuration:\n  ${problems.map((p) => p.message).join('\n  ')}`, problems);
}

function readYaml(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: cannot be read as YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file}: must be a mapping of setting names to values`);
  }
  return parsed as Record<string, unknown>;
}

/** The text of `kefu --help`. */
export function configHelp(): string {
  const rows = settingKeys.map((key) => {
    const s = settings[key];
    const fallback = s.schema.safeParse(undefined);
    const shown = fallback.success && fallback.data !== undefined ? String(fallback.data) : '(unset)';
    return `  ${s.env.padEnd(28)} ${key.padEnd(20)} default ${shown}\n      ${s.help}\n      allowed: ${s.allowed}`;
  });
  return [
    'Usage: kefu [--help]',
    '',
    'Starts a Kefu node. Settings come from environment variables, or from kefu.yaml',
    '(path in KEFU_CONFIG) with the keys in the second column; the environment wins.',
    '',
    '  variable                     kefu.yaml key',
    ...rows,
    '',
  ].join('\n');
}
