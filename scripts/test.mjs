// Runs every test file under test/ with Node's test runner through tsx, after making sure the
// tools the tests drive (sipp, sox, espeak-ng) are installed.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestTools } from './test-tools.mjs';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

ensureTestTools();
// Build dist/ once for the end-to-end tests, which start real server processes from it.
const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const only = process.argv.slice(2);
let files = only.length > 0 ? only : find('test').sort();
// With DATABASE_URL set (CI's second pass) only the files that use a database run again, directly
// or through the e2e tests' ACD centre: the rest (SIP, media, SDP, pure logic) do the same thing
// whatever the database. A file that says the PostgreSQL pass leaves it out (browser pages over
// REST routes the API tests cover on both; SIP-level behaviour) is left out too.
const usesDatabase = (file) => {
  const text = readFileSync(file, 'utf8');
  return /testDatabase|testStore|startTestApi|DATABASE_URL|Store\.open|AcdCentre/.test(text) && !text.includes('The PostgreSQL pass leaves this file out');
};
if (only.length === 0 && process.env.DATABASE_URL) {
  const all = files.length;
  files = files.filter(usesDatabase);
  console.log(`DATABASE_URL is set: running the ${files.length} of ${all} test files that use a database`);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, KEFU_DIST_BUILT: '1' },
});
process.exit(result.status ?? 1);
