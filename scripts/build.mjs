// Builds dist/ from src/: each TypeScript file transpiled to one ES module by esbuild, so that a
// fresh `npm start` is serving within seconds. Type checking is `npm run lint`'s job (tsc).
import { rmSync, readdirSync } from 'node:fs';
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

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: sources(join(root, 'src')),
  outdir: join(root, 'dist'),
  outbase: join(root, 'src'),
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
