/**
 * FlowServices over the store and the media directory, for one call of one tenant: prompts,
 * the tenant's calendar and night switch, the business gateway, cases, mailboxes and surveys.
 */
import { verifyPassword } from '../directory/index.js';
import { caseDay, type MediaFiles, type Store, type TenantRow } from '../store/index.js';
import { flowDocument } from './document.js';
import { callGateway } from './http-gateway.js';
import { localTime, scheduleState } from './schedule.js';
import type { QueueRouter } from '../calls/index.js';
import type { FlowServices, MailboxAccess } from './services.js';

export interface CallFacts {
  sipCallId: string;
  caller: string | undefined;
  customerId: string | undefined;
}

export interface StoreServicesOptions {
  store: Store;
  media: MediaFiles;
  tenant: TenantRow;
  call: CallFacts;
  queues: QueueRouter;
  now(): Date;
}

export async function storeServices(options: StoreServicesOptions): Promise<FlowServices> {
  const { store, media, tenant, call } = options;
  const repos = store.repos;
  const promptFile = async (name: string) => {
    const prompt = await repos.prompts.byName(tenant.id, name);
    return prompt === undefined ? undefined : media.path(prompt.file);
  };

  return {
    promptFile,
    async schedule(node, now) {
      const { date } = localTime(now, node.timeZone ?? tenant.timeZone);
      const [calendar, settings] = await Promise.all([repos.calendar.kinds(tenant.id, date, date), repos.callSettings.get(tenant.id)]);
      return scheduleState(node, { now, tenantTimeZone: tenant.timeZone, calendar, mode: settings.scheduleMode });
    },
    http: (node, variables) => callGateway(node, variables),
    recordingPath: (kind) => media.allocateSync(tenant.id, kind, 'wav').path,
    async openCase(type, recorded) {
      const opened = await store.transaction((trx) =>
        trx.cases.open(tenant.id, caseDay(options.now(), tenant.timeZone), {
          type,
          caller: call.caller ?? null,
          customerId: call.customerId ?? null,
          sipCallId: call.sipCallId,
          recordingFile: media.fileOf(recorded.path),
          recordingMs: recorded.durationMs,
          recordingSha256: recorded.sha256,
        }),
      );
      return { number: opened.number };
    },
    async caseStatus(number) {
      const found = await repos.cases.byNumber(tenant.id, number);
      return found === undefined ? undefined : { status: found.status };
    },
    async mailbox(name) {
      const row = await repos.mailboxes.byName(tenant.id, name);
      if (row === undefined) return undefined;
      const access: MailboxAccess = {
        greetingFile: row.greeting === null ? undefined : await promptFile(row.greeting),
        full: (await repos.mailboxes.countMessages(tenant.id, row.id)) >= row.maxMessages,
        checkPin: (pin) => verifyPassword(pin, row.pinHash),
        async leave(recorded) {
          await repos.mailboxes.addMessage(tenant.id, {
            mailboxId: row.id,
            caller: call.caller ?? null,
            sipCallId: call.sipCallId,
            file: media.fileOf(recorded.path),
            durationMs: recorded.durationMs,
            sizeBytes: recorded.sizeBytes,
            sha256: recorded.sha256,
          });
        },
        async messages() {
          const rows = await repos.mailboxes.messages(tenant.id, row.id);
          return rows.map((m) => ({ id: m.id, file: media.path(m.file), heard: m.heardAt !== null }));
        },
        async markHeard(id) {
          await repos.mailboxes.markHeard(tenant.id, id, options.now());
        },
        async remove(id) {
          const removed = await repos.mailboxes.removeMessage(tenant.id, id);
          if (removed !== undefined) await media.remove(removed.file);
        },
      };
      return access;
    },
    async saveSurvey(survey, answers) {
      await repos.surveys.record(
        tenant.id,
        answers.map((a) => ({ survey, ...a, sipCallId: call.sipCallId, caller: call.caller ?? null })),
      );
    },
    async subflow(name) {
      const live = await repos.flows.live(tenant.id, name);
      if (live === undefined) return undefined;
      const parsed = flowDocument.safeParse(live.document);
      return parsed.success ? parsed.data : undefined;
    },
    enqueue: (request) => options.queues.enqueue(tenant.id, { ...request, sipCallId: call.sipCallId, caller: call.caller, customerId: call.customerId }),
    now: options.now,
  };
}
