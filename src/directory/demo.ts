/**
 * The demo centre, created on first start with an empty database so that a newcomer has
 * something to call and click: the Demo Science Bureau on hotline 12345, a business (acme) whose
 * own number is forwarded to the platform's access number, people, departments, queues and customers.
 */
import type { Store, TenantRow } from '../store/index.js';
import { randomPassword } from './passwords.js';
import { createAgent, createUser } from './people.js';
import type { Role } from './roles.js';
import { createTenant } from './tenants.js';

export const demoAccessNumber = '+8675500000000';

export interface DemoCredential {
  tenant: string;
  username: string;
  roles: Role[];
  password: string;
  /** For agents: the extension and SIP password their phone registers with. */
  sip?: { extension: string; realm: string; password: string };
}

interface DemoPerson {
  username: string;
  displayName: string;
  roles: Role[];
  extension?: string;
  skills?: Record<string, number>;
}

const demoPeople: DemoPerson[] = [
  { username: 'admin', displayName: '系统管理员 Administrator', roles: ['tenant_admin'] },
  { username: 'lead', displayName: '王班长 Team lead Wang', roles: ['supervisor'] },
  { username: '1001', displayName: '李明 Li Ming', roles: ['agent'], extension: '1001', skills: { consultation: 8, complaints: 5 } },
  { username: '1002', displayName: '陈静 Chen Jing', roles: ['agent'], extension: '1002', skills: { consultation: 6, complaints: 9 } },
];

/**
 * The demo centre's queues, as routing runs them (its queue settings with every default written
 * out). `consultation` is the queue the hotline's "0: an agent" enters; with nobody logged in,
 * or after two minutes, the caller is sent to the director's mailbox, as the hotline did before
 * routing. `complaints` goes to the most skilled agent first and overflows to consultation.
 */
const demoQueues = [
  {
    name: 'consultation',
    settings: {
      strategy: 'longest_idle',
      priority: 0,
      ringTimeoutSeconds: 20,
      wrapUpSeconds: 10,
      maxWaitSeconds: 120,
      overflow: { kind: 'voicemail', mailbox: 'director' },
      overflowWhenUnstaffed: true,
      serviceLevel: { percent: 80, seconds: 20 },
      relaxation: [],
      announceEverySeconds: 30,
      expectedHandleSeconds: 180,
      announceAgentId: false,
    },
  },
  {
    name: 'complaints',
    settings: {
      strategy: 'skills_weighted',
      priority: 10,
      ringTimeoutSeconds: 20,
      wrapUpSeconds: 30,
      maxWaitSeconds: 180,
      overflow: { kind: 'queue', queue: 'consultation' },
      overflowWhenUnstaffed: false,
      serviceLevel: { percent: 80, seconds: 30 },
      relaxation: [{ afterSeconds: 60, lowerBy: 3 }],
      announceEverySeconds: 30,
      expectedHandleSeconds: 300,
      announceAgentId: false,
    },
  },
];

/**
 * Seeds the demo centre. Every demo password is `password` when given, else a random one per
 * account; the returned credentials are what start-up prints, once.
 */
export async function seedDemoCentre(store: Store, platform: TenantRow, password?: string): Promise<DemoCredential[]> {
  const secret = () => password ?? randomPassword();
  return store.transaction(async (repos) => {
    const credentials: DemoCredential[] = [];
    const demo = await createTenant(repos, { slug: 'demo', name: '示范科技局', nameEn: 'Demo Science Bureau' });
    const acme = await createTenant(repos, { slug: 'acme', name: '艾克美贸易有限公司', nameEn: 'Acme Trading Co.' });

    for (const person of demoPeople) {
      const login = secret();
      if (person.extension === undefined) {
        await createUser(repos, demo.id, { ...person, password: login });
        credentials.push({ tenant: demo.slug, username: person.username, roles: person.roles, password: login });
        continue;
      }
      const sipPassword = secret();
      await createAgent(repos, demo, {
        ...person,
        extension: person.extension,
        password: login,
        sipPassword,
        skills: person.skills ?? {},
      });
      credentials.push({
        tenant: demo.slug,
        username: person.username,
        roles: person.roles,
        password: login,
        sip: { extension: person.extension, realm: demo.sipRealm, password: sipPassword },
      });
    }
    const acmeLogin = secret();
    await createUser(repos, acme.id, { username: 'admin', displayName: 'Acme administrator', password: acmeLogin, roles: ['tenant_admin'] });
    credentials.push({ tenant: acme.slug, username: 'admin', roles: ['tenant_admin'], password: acmeLogin });

    await repos.numbers.create(demo.id, { number: '12345', kind: 'direct', label: '科技服务热线 Science hotline' }, [
      { tenantId: demo.id, extensionCode: null, service: 'hotline', flow: 'hotline' },
    ]);
    await repos.numbers.create(acme.id, { number: '+8675588880000', kind: 'forwarded', label: 'Acme customer line' }, [
      { tenantId: acme.id, extensionCode: null, service: 'hotline', flow: 'hotline' },
    ]);
    await repos.numbers.create(platform.id, { number: demoAccessNumber, kind: 'shared', label: '转接接入号 Forwarding access number' }, [
      { tenantId: platform.id, extensionCode: null, service: 'access', flow: null },
      { tenantId: acme.id, extensionCode: '8001', service: 'hotline', flow: 'hotline' },
      { tenantId: demo.id, extensionCode: '8002', service: 'hotline', flow: 'hotline' },
    ]);

    const departments = [
      { name: '办公室', nameEn: 'General Office', phones: ['+861062340001'], description: '综合事务 General affairs' },
      { name: '科技成果处', nameEn: 'Technology Transfer Division', phones: ['+861062340002'], description: '成果登记与转化 Registration and transfer of results' },
      { name: '投诉受理科', nameEn: 'Complaints Section', phones: ['+861062340003', '+861062340013'], description: '投诉与举报 Complaints and tip-offs' },
    ];
    for (const department of departments) await repos.departments.create(demo.id, department);
    for (const queue of demoQueues) await repos.queues.create(demo.id, queue);

    const customer = { company: '', emails: [] as string[], vip: false, tags: [] as string[], notes: '', address: '' };
    await repos.customers.create(demo.id, {
      ...customer,
      name: '张伟',
      company: '华星电子有限公司',
      phones: ['+8613800138000', '01062345678'],
      emails: ['zhang.wei@example.cn'],
      vip: true,
      tags: ['enterprise'],
      notes: '高新技术企业认定咨询 Asked about high-tech enterprise certification',
    });
    await repos.customers.create(demo.id, { ...customer, name: '李娜', phones: ['+8613900139000'], tags: ['citizen'] });
    await repos.customers.create(demo.id, { ...customer, name: 'Wang Fang', phones: ['+8618600186000'], emails: ['wang.fang@example.com'] });
    await repos.customers.create(acme.id, {
      ...customer,
      name: 'Zhao Lei',
      company: 'Shenzhen Retail Ltd.',
      phones: ['+8613700137000'],
      vip: true,
      tags: ['wholesale'],
    });
    return credentials;
  });
}
