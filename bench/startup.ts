/**
 * How long a node takes from `node dist/main.js` to answering /healthz: on an empty data dir
 * (first start: migrations, platform and demo seeding) and again on the same data (second start),
 * and how long SIGTERM takes to stop it. Embedded database, or PostgreSQL when DATABASE_URL is set.
 * Prints one JSON line.
 */
import { testDatabase } from '../test/helpers/database.js';
import { buildDist, KefuNode } from '../test/e2e/kefu-node.js';

buildDist();
const database = await testDatabase();
const settings = {
  KEFU_DATA_DIR: database.dataDir,
  DATABASE_URL: database.databaseUrl,
  KEFU_ADMIN_PASSWORD: 'platform-secret-1',
  KEFU_DEMO_PASSWORD: 'demo-secret-1',
  KEFU_LOG_LEVEL: 'warn',
};

/** Milliseconds from spawn to the first 200 from /healthz, and from SIGTERM to exit. */
async function startAndStop(): Promise<{ startMs: number; stopMs: number }> {
  const started = performance.now();
  const node = await KefuNode.start(settings, database.dataDir);
  try {
    await node.ready(120_000, 5);
    const startMs = performance.now() - started;
    const stopping = performance.now();
    const exit = await node.stop('SIGTERM', 30_000);
    if (exit.code !== 0) throw new Error(`kefu exited with ${JSON.stringify(exit)}:\n${node.stderr}`);
    return { startMs, stopMs: performance.now() - stopping };
  } finally {
    if (node.running) await node.stop('SIGKILL');
  }
}

try {
  const first = await startAndStop();
  const second = await startAndStop();
  const result = {
    bench: 'startup',
    database: database.databaseUrl === undefined ? 'embedded' : 'postgres',
    firstStartMs: Math.round(first.startMs),
    secondStartMs: Math.round(second.startMs),
    stopMs: Math.round(second.stopMs),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await database.drop();
}
