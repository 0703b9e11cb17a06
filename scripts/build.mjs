// Builds dist/ from src/: each TypeScript file transpiled to one ES module by esbuild, so that a
// fresh `npm start` is serving within seconds. Type checking is `npm run lint`'s job (tsc).
import { readdirSync, renameSync, rmSync } from 'node:fs';
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
try {
  renameSync(join(root, 'dist'), old);
} catch {
  // No previous build.
}
renameSync(next, join(root, 'dist'));
rmSync(old, { recursive: true, force: true });
