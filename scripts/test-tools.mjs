// The Debian packages the tests use as real peers and tools, installed when missing: `npm test`
// and .ci/run call this, so a fresh Debian machine needs nothing but `npm ci && npm test`.
// `npm start` calls it with `runtime` for what a node itself uses (espeak-ng).
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const debianPackages = [
  'sip-tester', // sipp: the SIP peer of test/e2e; its RFC 2833 pcaps feed the DTMF tests
  'baresip-core', // baresip, a real softphone: registers as an agent in test/e2e (its modules, without the GUI metapackage)
  'sox', // makes and measures test audio (tones, noise, G.711, recordings)
  'libsox-fmt-all', // sox's µ-law and A-law files
  'espeak-ng', // speech in zh-CN and English (player, DTMF talk-off)
  'chromium', // the browser test/e2e drives through playwright-core (web/, the softphone: JsSIP, WebRTC)
  'fonts-wqy-microhei', // Chinese text in Chromium's screenshots of the web app
];

function installed(name) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

/** The packages a running node uses: text-to-speech for its voice prompts. */
export const runtimePackages = ['espeak-ng'];

/**
 * Installs the missing ones of `packages` with apt-get (through sudo when not root); true when
 * they are all there afterwards. `purpose` says what for.
 */
export function ensureDebianPackages(packages, purpose) {
  const missing = packages.filter((name) => !installed(name));
  if (missing.length === 0) return true;
  const root = process.getuid?.() === 0;
  const prefix = root ? [] : ['sudo'];
  process.stderr.write(`Installing the Debian packages ${purpose}: ${missing.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(root ? [] : ['apt-get']), 'update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(root ? [] : ['apt-get']), 'install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) {
    process.stderr.write(`Could not install them; run: sudo apt-get install -y ${missing.join(' ')}\n`);
    return false;
  }
  return true;
}

export function ensureTestTools() {
  if (!ensureDebianPackages(debianPackages, 'the tests need')) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `node scripts/test-tools.mjs runtime` (npm start): what a node needs; a failure only warns,
  // since a node without speech still serves the API and calls with recorded prompts.
  if (process.argv[2] === 'runtime') ensureDebianPackages(runtimePackages, 'voice prompts need (text-to-speech)');
  else ensureTestTools();
}
