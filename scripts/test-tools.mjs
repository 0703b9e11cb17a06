// The Debian packages the tests use as real peers and tools, installed when missing: `npm test`
// and .ci/run call this, so a fresh Debian machine needs nothing but `npm ci && npm test`.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const debianPackages = [
  'sip-tester', // sipp: the SIP peer of test/e2e; its RFC 2833 pcaps feed the DTMF tests
  'baresip-core', // baresip, a real softphone: registers as an agent in test/e2e (its modules, without the GUI metapackage)
  'sox', // makes and measures test audio (tones, noise, G.711, recordings)
  'libsox-fmt-all', // sox's µ-law and A-law files
  'espeak-ng', // speech in zh-CN and English (player, DTMF talk-off)
];

function installed(name) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

export function ensureTestTools() {
  const missing = debianPackages.filter((name) => !installed(name));
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  const prefix = root ? [] : ['sudo'];
  process.stderr.write(`Installing the Debian packages the tests need: ${missing.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(root ? [] : ['apt-get']), 'update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(root ? [] : ['apt-get']), 'install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) {
    process.stderr.write(`Could not install them; run: sudo apt-get install -y ${missing.join(' ')}\n`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) ensureTestTools();
