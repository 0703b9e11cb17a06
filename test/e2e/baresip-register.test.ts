/**
 * A real softphone registers as agent 1001 of the demo centre (issue 3's must-show): baresip 1.0
 * authenticates with digest, Kefu keeps the binding in `sip_bindings`, the binding outlives a
 * restart of Kefu, and when baresip quits it unregisters and the binding is gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Store } from '../../src/store/index.js';
import { testDatabase, type TestDatabase } from '../helpers/database.js';
import { Baresip } from './baresip.js';
import { buildDist, freePort, KefuNode, projectRoot } from './kefu-node.js';

const password = 'demo-secret-1';

describe('baresip registers as agent 1001', () => {
  let database: TestDatabase;
  let settings: Record<string, string | undefined>;
  let node: KefuNode | undefined;
  let phone: Baresip | undefined;
  let phonePort: number;

  /** The live bindings of 1001 in tenant demo, read from the database while no node holds it. */
  async function bindingsOf1001(): Promise<{ contact: string; expiresAt: Date; userAgent: string | null; source: string }[]> {
    const store = await Store.open({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      const demo = await store.repos.tenants.bySlug('demo');
      assert.ok(demo !== undefined, 'the demo centre exists');
      return await store.repos.sipBindings.live(demo.id, '1001', new Date());
    } finally {
      await store.close();
    }
  }

  before(async () => {
    buildDist();
    database = await testDatabase();
    settings = {
      KEFU_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl,
      KEFU_DEMO_PASSWORD: password,
      KEFU_SIP_PORT: String(await freePort()),
      // baresip 1.0 (libre 1.1) gives up on a 401 that carries any non-MD5 challenge (ENOSYS,
      // "Register: Function not implemented"), even when an MD5 one is there too.
      KEFU_SIP_DIGEST_ALGORITHMS: 'MD5',
    };
    node = await KefuNode.start(settings, projectRoot);
    await node.ready();
    phonePort = await freePort();
    phone = await Baresip.start({ sipPort: phonePort, controlPort: await freePort() });
  });
  after(async () => {
    await phone?.stop();
    await node?.stop('SIGKILL');
    await database.drop();
  });

  it('gets 200 for its digest-authenticated REGISTER (REGISTER_OK)', async () => {
    assert.ok(phone !== undefined && node !== undefined);
    const aor = `sip:1001@127.0.0.1:${node.sipPort}`;
    await phone.command('uanew', `<${aor}>;auth_pass=${password};regint=600`);
    const ok = await phone.event('REGISTER_OK', { failures: ['REGISTER_FAIL'] });
    assert.equal(ok.accountaor, aor);
    const info = await phone.command('reginfo');
    assert.match(info.data, /OK .*Kefu\/\S+ Expires 600s/, info.data);
  });

  it('the binding is in sip_bindings, and a restarted node still has it', async () => {
    assert.ok(node !== undefined);
    assert.equal((await node.stop('SIGTERM')).code, 0);
    node = undefined;
    const bindings = await bindingsOf1001();
    assert.equal(bindings.length, 1, JSON.stringify(bindings));
    const [binding] = bindings;
    assert.match(binding?.contact ?? '', new RegExp(`^sip:1001-[^@]+@127\\.0\\.0\\.1:${phonePort}$`));
    assert.equal(binding?.source, `udp:127.0.0.1:${phonePort}`);
    assert.match(binding?.userAgent ?? '', /^baresip v1\./);
    const secondsLeft = ((binding?.expiresAt.getTime() ?? 0) - Date.now()) / 1000;
    assert.ok(secondsLeft > 500 && secondsLeft <= 600, `expires in ${secondsLeft} s`);

    node = await KefuNode.start(settings, projectRoot);
    await node.ready();
  });

  it('quitting unregisters it: the binding is removed', async () => {
    assert.ok(phone !== undefined && node !== undefined);
    const from = phone.events.length;
    const exit = await phone.quit();
    assert.equal(exit.code, 0, phone.output);
    assert.ok(phone.events.slice(from).some((e) => e.type === 'UNREGISTERING'), JSON.stringify(phone.events));
    // baresip ends only once its un-REGISTER is answered (or has timed out, which the output shows).
    assert.doesNotMatch(phone.output, /unregister.*(fail|timeout)|Register: /i, phone.output);
    assert.equal((await node.stop('SIGTERM')).code, 0);
    node = undefined;
    assert.deepEqual(await bindingsOf1001(), []);
  });
});
