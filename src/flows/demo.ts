/**
 * The demo centre's voice services, published at first start beside the directory's demo data:
 * the Demo Science Bureau's hotline 12345 (seed 002: greeting, policy information, voice
 * complaints with a case number, case status, the director's mailbox, an agent; after hours,
 * straight to the mailbox) and Acme's forwarded number (seed 000: the holiday service — a
 * greeting in the company's name, a message, 9 for the on-duty mobile).
 */
import { randomInt } from 'node:crypto';
import { hashPassword } from '../directory/index.js';
import type { Repositories, Store, TenantRow } from '../store/index.js';
import { flowDocument, type FlowDocumentInput } from './document.js';
import { validateFlow } from './validate.js';

export interface DemoMailboxPin {
  tenant: string;
  mailbox: string;
  pin: string;
}

const scienceHotline: FlowDocumentInput = {
  start: 'hours',
  nodes: {
    hours: {
      type: 'schedule',
      open: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }],
      exits: { open: 'greeting', closed: 'night' },
    },
    greeting: { type: 'say', text: '您好，欢迎致电{{tenant.name}}科技服务热线。', bargeIn: true, exits: { next: 'menu' } },
    menu: {
      type: 'menu',
      prompt: { text: '政策咨询请按1，投诉举报请按2，查询办理进度请按3，局长信箱请按4，人工服务请按0。' },
      options: { '1': 'policy', '2': 'complaint', '3': 'status', '4': 'mailbox', '0': 'agent' },
      exits: { fail: 'bye' },
    },
    policy: {
      type: 'menu',
      prompt: { text: '高新技术企业认定请按1，科技项目申报请按2，返回上级菜单请按星号键。' },
      options: { '1': 'policyHighTech', '2': 'policyProjects', '*': 'menu' },
      exits: { fail: 'menu' },
    },
    policyHighTech: {
      type: 'say',
      text: '高新技术企业认定每年受理两批，企业须成立满一年，研发费用占销售收入比例符合规定。详情请登录本局网站查询。',
      bargeIn: true,
      exits: { next: 'policy' },
    },
    policyProjects: {
      type: 'say',
      text: '科技计划项目通过网上申报系统提交，申报截止日期以年度指南为准。',
      bargeIn: true,
      exits: { next: 'policy' },
    },
    complaint: {
      type: 'record',
      prompt: { text: '请在提示音后讲述您要投诉或举报的事项，讲完请按井号键。' },
      caseType: 'complaint',
      exits: { next: 'thanks', fail: 'menu' },
    },
    thanks: { type: 'say', text: '我们会尽快办理，请记下受理编号以便查询。', exits: { next: 'bye' } },
    status: { type: 'case_status', prompt: { text: '请输入受理编号，以井号键结束。' }, exits: { next: 'bye', notFound: 'menu' } },
    mailbox: { type: 'voicemail', mailbox: 'director', exits: { next: 'bye' } },
    agent: { type: 'queue', queue: 'consultation', exits: { fail: 'agentBusy' } },
    agentBusy: { type: 'say', text: '坐席忙，请给局长信箱留言。', exits: { next: 'mailbox' } },
    night: { type: 'say', text: '您好，这里是{{tenant.name}}。现在是非工作时间，请留言，我们上班后尽快回复。', exits: { next: 'mailbox' } },
    bye: { type: 'say', text: '感谢您的来电，再见。', exits: { next: 'end' } },
    end: { type: 'hangup' },
  },
};

const acmeHoliday: FlowDocumentInput = {
  start: 'greeting',
  nodes: {
    greeting: {
      type: 'menu',
      prompt: { text: '您好，这里是{{tenant.name}}。现在是节假日，请在提示音后留言；紧急事务请按9，为您转接值班人员。' },
      options: { '9': 'urgent' },
      timeout: 3,
      retries: 0,
      exits: { fail: 'leave' },
    },
    urgent: { type: 'dial', targets: ['+8613700001111', '+8613700002222'], timeout: 25, exits: { fail: 'leave' } },
    leave: { type: 'voicemail', mailbox: 'holiday', exits: { next: 'end' } },
    end: { type: 'hangup' },
  },
};

function pinOf(given: string | undefined): string {
  return given ?? String(randomInt(100_000, 1_000_000));
}

async function publish(repos: Repositories, tenant: TenantRow, name: string, input: FlowDocumentInput, mailboxes: string[]): Promise<void> {
  const checked = validateFlow(input, { prompts: new Set(), mailboxes: new Set(mailboxes) });
  if (!checked.ok) throw new Error(`demo flow ${tenant.slug}/${name} is invalid: ${JSON.stringify(checked.problems)}`);
  const draft = flowDocument.parse(input);
  const flow = await repos.flows.create(tenant.id, { name, description: 'demo', draft });
  await repos.flows.publish(tenant.id, flow.id, flow.version, draft, 'demo');
}

/** Publishes the demo flows and creates their mailboxes; returns the mailbox PINs to show once. */
export async function seedDemoFlows(store: Store, tenants: { demo: TenantRow; acme: TenantRow }, pin?: string): Promise<DemoMailboxPin[]> {
  return store.transaction(async (repos) => {
    const pins: DemoMailboxPin[] = [];
    for (const [tenant, mailbox] of [
      [tenants.demo, 'director'],
      [tenants.acme, 'holiday'],
    ] as const) {
      const secret = pinOf(pin);
      await repos.mailboxes.create(tenant.id, { name: mailbox, ownerKind: 'tenant', pinHash: await hashPassword(secret) });
      pins.push({ tenant: tenant.slug, mailbox, pin: secret });
    }
    await publish(repos, tenants.demo, 'hotline', scienceHotline, ['director']);
    await publish(repos, tenants.acme, 'hotline', acmeHoliday, ['holiday']);
    return pins;
  });
}
