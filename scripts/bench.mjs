// Runs every benchmark in bench/ (each prints one JSON line of results), one after another,
// through tsx; their output passes straight through. `npm run bench -- bench/startup.ts` runs one.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const files = only.length > 0 ? only : readdirSync('bench').filter((name) => name.endsWith('.ts')).sort().map((name) => join('bench', name));
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(`bench: ${file} failed (${result.status ?? result.signal})\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
