// Builds dist/ from src/: each TypeScript file transpiled to one ES module by esbuild, so that a
// fresh `npm start` is serving within seconds. Type checking is `npm run lint`'s job (tsc).
// The browser app (web/) is built by Vite into dist/web, only when its sources changed since the
// last build: a build of the server alone stays under a second.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

// Built beside dist/ and swapped in, so that a node starting meanwhile never finds half a build.
const next = join(root, `dist.next-${process.pid}`);
const old = join(root, `dist.old-${process.pid}`);
await build({
  entryPoints: sources(join(root, 'src')),
  outdir: next,
  outbase: join(root, 'src'),
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
await buildWeb(join(next, 'web'));
try {
  renameSync(join(root, 'dist'), old);
} catch {
  // No previous build.
}
renameSync(next, join(root, 'dist'));
rmSync(old, { recursive: true, force: true });

/** A hash of everything the web build reads: its sources, its config and the locked packages. */
function webSourceHash() {
  const hash = createHash('sha256');
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.name !== 'node_modules')
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
  for (const file of [...files(join(root, 'web')), join(root, 'package-lock.json')]) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

/** Builds web/ into `out`, or copies the previous dist/web when it was built from the same sources. */
async function buildWeb(out) {
  const stamp = '.source-hash';
  const source = webSourceHash();
  const previous = join(root, 'dist', 'web');
  if (existsSync(join(previous, stamp)) && readFileSync(join(previous, stamp), 'utf8') === source) {
    cpSync(previous, out, { recursive: true });
    return;
  }
  const vite = await import('vite');
  await vite.build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  writeFileSync(join(out, stamp), source);
}
