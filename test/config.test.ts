import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { configHelp, loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { DEFAULT_PARSE_LIMITS, defaultTimerValues } from '../src/sip/index.js';

const folder = mkdtempSync(join(tmpdir(), 'kefu-config-'));
let files = 0;
const yamlFile = (text: string) => {
  const file = join(folder, `kefu-${files++}.yaml`);
  writeFileSync(file, text);
  return file;
};
after(() => rmSync(folder, { recursive: true, force: true }));
const noFile = yamlFile('');

describe('configuration', () => {
  it('defaults run a demo on the embedded database', () => {
    const config = loadConfig({ env: {}, file: noFile });
    assert.equal(config.dataDir, resolve('./data'));
    assert.equal(config.httpPort, 8080);
    assert.equal(config.sipPort, 5060);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.adminPassword, undefined);
    assert.equal(config.demo, true);
    assert.equal(config.logLevel, 'info');
  });

  it('reads kefu.yaml, and the environment wins over it', () => {
    const file = yamlFile('httpPort: 9000\nsipPort: 5070\nlogLevel: debug\ndemo: false\n');
    const fromFile = loadConfig({ env: {}, file });
    assert.equal(fromFile.httpPort, 9000);
    assert.equal(fromFile.demo, false);
    const overridden = loadConfig({ env: { KEFU_HTTP_PORT: '9100', DATABASE_URL: 'postgres://u@db:5432/kefu' }, file });
    assert.equal(overridden.httpPort, 9100);
    assert.equal(overridden.sipPort, 5070);
    assert.equal(overridden.databaseUrl, 'postgres://u@db:5432/kefu');
  });

  it('a bad value names the setting, the value and what is allowed', () => {
    assert.throws(
      () => loadConfig({ env: { KEFU_HTTP_PORT: 'abc', KEFU_LOG_LEVEL: 'loud' }, file: noFile }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /KEFU_HTTP_PORT="abc" is not allowed .*allowed: an integer from 0 to 65535/);
        assert.match(error.message, /KEFU_LOG_LEVEL="loud" is not allowed .*allowed: fatal, error, warn, info, debug, trace, silent/);
        assert.deepEqual(error.details.map((d) => d.path).sort(), ['KEFU_HTTP_PORT', 'KEFU_LOG_LEVEL']);
        return true;
      },
    );
    assert.throws(() => loadConfig({ env: { DATABASE_URL: 'mysql://x' }, file: noFile }), /DATABASE_URL="mysql:\/\/x".*postgres:\/\//);
    assert.throws(() => loadConfig({ env: { KEFU_ADMIN_PASSWORD: 'short' }, file: noFile }), /KEFU_ADMIN_PASSWORD.*at least 8 characters/);
    assert.throws(() => loadConfig({ env: { KEFU_SIP_PORT: '70000' }, file: noFile }), /KEFU_SIP_PORT="70000"/);
  });

  it('SIP over TLS needs both certificate and key; WebSocket is on the HTTP port at /sip unless told otherwise', () => {
    const config = loadConfig({ env: {}, file: noFile });
    assert.equal(config.sipTlsPort, 5061);
    assert.equal(config.sipTlsCert, undefined);
    assert.equal(config.sipWsPath, '/sip');
    assert.equal(config.sipWsPort, 0);
    const tls = loadConfig({ env: { KEFU_SIP_TLS_CERT: 'cert.pem', KEFU_SIP_TLS_KEY: 'key.pem', KEFU_SIP_WS_PORT: '8443' }, file: noFile });
    assert.equal(tls.sipTlsKey, 'key.pem');
    assert.equal(tls.sipWsPort, 8443);
    assert.throws(
      () => loadConfig({ env: { KEFU_SIP_TLS_CERT: 'cert.pem' }, file: noFile }),
      (error: unknown) => error instanceof ConfigError && error.details[0]?.path === 'KEFU_SIP_TLS_KEY' && /set together/.test(error.message),
    );
    assert.throws(() => loadConfig({ env: { KEFU_SIP_WS_PATH: 'sip' }, file: noFile }), /KEFU_SIP_WS_PATH="sip".*starting with \//);
  });

  it('media settings: an RTP port range, one worker per core by default, and a range too small for the workers is refused', () => {
    const config = loadConfig({ env: {}, file: noFile });
    assert.equal(config.rtpPortMin, 20000);
    assert.equal(config.rtpPortMax, 29999);
    assert.equal(config.mediaWorkers, availableParallelism());
    assert.equal(config.rtpTimeout, 30);
    assert.equal(config.symmetricRtp, true);
    const set = loadConfig({ env: { KEFU_RTP_PORT_MIN: '30000', KEFU_RTP_PORT_MAX: '30099', KEFU_MEDIA_WORKERS: '4', KEFU_SYMMETRIC_RTP: 'false' }, file: noFile });
    assert.deepEqual([set.rtpPortMin, set.rtpPortMax, set.mediaWorkers, set.symmetricRtp], [30000, 30099, 4, false]);
    assert.throws(
      () => loadConfig({ env: { KEFU_RTP_PORT_MIN: '30000', KEFU_RTP_PORT_MAX: '30005', KEFU_MEDIA_WORKERS: '4' }, file: noFile }),
      (error: unknown) => error instanceof ConfigError && /fewer than 2 ports for each of 4 media workers/.test(error.message),
    );
    assert.throws(() => loadConfig({ env: { KEFU_MEDIA_WORKERS: '0' }, file: noFile }), /KEFU_MEDIA_WORKERS="0"/);
  });

  it('a bad kefu.yaml names the file and the key', () => {
    assert.throws(() => loadConfig({ env: {}, file: yamlFile('httpPort: [1, 2]\n') }), /httpPort in .*\.yaml=\[1,2\] is not allowed/);
    assert.throws(() => loadConfig({ env: {}, file: yamlFile('htpPort: 80\n') }), /unknown setting "htpPort"/);
    assert.throws(() => loadConfig({ env: {}, file: yamlFile('a: [unclosed\n') }), /cannot be read as YAML/);
    assert.throws(() => loadConfig({ env: {}, file: yamlFile('- a list\n') }), /must be a mapping/);
  });

  it("SIP parse limits and timers default to the stack's own values and can be set", () => {
    const config = loadConfig({ env: {}, file: noFile });
    assert.deepEqual(
      { maxMessageBytes: config.sipMaxMessageBytes, maxHeaderCount: config.sipMaxHeaders, maxLineLength: config.sipMaxLine },
      { ...DEFAULT_PARSE_LIMITS },
    );
    assert.deepEqual({ t1: config.sipT1Ms, t2: config.sipT2Ms, t4: config.sipT4Ms }, defaultTimerValues);
    assert.deepEqual(config.sipDigestAlgorithms, ['MD5', 'SHA-256']);
    const set = loadConfig({
      env: { KEFU_SIP_MAX_MESSAGE_BYTES: '4096', KEFU_SIP_MAX_HEADERS: '40', KEFU_SIP_MAX_LINE: '1000', KEFU_SIP_T1_MS: '100', KEFU_SIP_T2_MS: '100' },
      file: yamlFile('sipT4Ms: 2500\nsipDigestAlgorithms: sha-256, md5\n'),
    });
    assert.deepEqual([set.sipMaxMessageBytes, set.sipMaxHeaders, set.sipMaxLine, set.sipT1Ms, set.sipT2Ms, set.sipT4Ms], [4096, 40, 1000, 100, 100, 2500]);
    assert.deepEqual(set.sipDigestAlgorithms, ['SHA-256', 'MD5']);
    assert.deepEqual(loadConfig({ env: { KEFU_SIP_DIGEST_ALGORITHMS: 'MD5' }, file: noFile }).sipDigestAlgorithms, ['MD5']);
  });

  it('SIP sources to trust are addresses and subnets, none by default; a bad one is named', () => {
    assert.deepEqual(loadConfig({ env: {}, file: noFile }).sipTrusted, []);
    assert.equal(loadConfig({ env: {}, file: noFile }).sipRateLimit, 50);
    const set = loadConfig({ env: { KEFU_SIP_TRUSTED: '203.0.113.5, 198.51.100.0/24,2001:db8::/32', KEFU_SIP_RATE_LIMIT: '400' }, file: noFile });
    assert.deepEqual(set.sipTrusted, ['203.0.113.5', '198.51.100.0/24', '2001:db8::/32']);
    assert.equal(set.sipRateLimit, 400);
    assert.throws(() => loadConfig({ env: { KEFU_SIP_TRUSTED: '203.0.113.5,carrier.example' }, file: noFile }), /KEFU_SIP_TRUSTED.*an IP address or a CIDR subnet/);
    assert.throws(() => loadConfig({ env: { KEFU_SIP_TRUSTED: '10.0.0.0/33' }, file: noFile }), /KEFU_SIP_TRUSTED/);
  });

  it('refuses SIP limits out of range, unknown or repeated digest algorithms, and T2 below T1', () => {
    assert.throws(() => loadConfig({ env: { KEFU_SIP_MAX_MESSAGE_BYTES: '100' }, file: noFile }), /KEFU_SIP_MAX_MESSAGE_BYTES="100".*allowed: an integer from 1024/);
    assert.throws(() => loadConfig({ env: { KEFU_SIP_MAX_HEADERS: '2.5' }, file: noFile }), /KEFU_SIP_MAX_HEADERS="2.5"/);
    assert.throws(() => loadConfig({ env: { KEFU_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-1' }, file: noFile }), /KEFU_SIP_DIGEST_ALGORITHMS="MD5,SHA-1".*allowed: MD5 and SHA-256/);
    assert.throws(() => loadConfig({ env: { KEFU_SIP_DIGEST_ALGORITHMS: 'MD5,md5' }, file: noFile }), /each algorithm once/);
    assert.throws(
      () => loadConfig({ env: { KEFU_SIP_T1_MS: '2000', KEFU_SIP_T2_MS: '1000' }, file: noFile }),
      (error: unknown) => error instanceof ConfigError && /KEFU_SIP_T2_MS=1000 is below KEFU_SIP_T1_MS=2000/.test(error.message) && error.details[0]?.path === 'KEFU_SIP_T2_MS',
    );
  });

  it('--help lists every setting with its default', () => {
    const help = configHelp();
    for (const name of ['KEFU_DATA_DIR', 'KEFU_HTTP_PORT', 'KEFU_SIP_PORT', 'KEFU_HOST', 'DATABASE_URL', 'KEFU_ADMIN_PASSWORD', 'KEFU_LOG_LEVEL', 'KEFU_DEMO_PASSWORD']) {
      assert.match(help, new RegExp(`^  ${name} `, 'm'));
    }
    assert.match(help, /KEFU_HTTP_PORT +httpPort +default 8080/);
    assert.match(help, /KEFU_SIP_DIGEST_ALGORITHMS +sipDigestAlgorithms +default MD5,SHA-256/);
  });
});
