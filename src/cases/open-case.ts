/**
 * An agent opens a case from the contact in hand (FEATURES G2): it is numbered like the IVR's
 * cases, takes the call's Call-ID, calling number and customer from the interaction, the caller's
 * recording if the IVR made one on this call, and leaves `case_opened` on the interaction's
 * timeline, where the wrap-up and reports find it.
 */
import { phoneVariants } from '../directory/index.js';
import { NotFoundError } from '../errors.js';
import { caseChannels, caseDay, type CaseChannel, type CasePriority, type CaseRow, type CaseType, type Interaction, type Repositories, type TenantRow } from '../store/index.js';

export interface DeskCase {
  type: CaseType;
  subject: string;
  description: string;
  priority: CasePriority;
  /** The customer chosen on the desk; without it, the customer the calling number belongs to. */
  customerId?: string | undefined;
  /** The contact it comes from, already checked to be one the opener may see. */
  interaction: Interaction | undefined;
  /** Who opens it: the user (null for an API key), their name, and their agent id if they are one. */
  opener: { userId: string | null; name: string; agentId: string | null };
}

/** A callback is a voice call the other way; other channels are the interaction's own. */
function channelOf(interaction: Interaction | undefined): CaseChannel {
  if (interaction === undefined) return 'manual';
  if (interaction.channel === 'callback') return 'voice';
  return caseChannels.find((channel) => channel === interaction.channel) ?? 'voice';
}

/** Opens the case; run it in a transaction. NotFoundError (at `customerId`) for a customer the tenant has not. */
export async function openDeskCase(repos: Repositories, tenant: TenantRow, request: DeskCase, now: Date): Promise<CaseRow> {
  const { interaction, opener } = request;
  const caller = interaction?.caller ?? null;
  let customerId: string | null = null;
  if (request.customerId !== undefined) {
    const customer = await repos.customers.get(tenant.id, request.customerId);
    if (customer === undefined) throw new NotFoundError('customer not found', [{ path: 'customerId', message: 'no such customer' }]);
    customerId = customer.id;
  } else if (caller !== null) {
    customerId = (await repos.customers.byAnyPhone(tenant.id, phoneVariants(caller)))?.id ?? null;
  }
  const sipCallId = interaction?.sipCallId ?? null;
  const recording = sipCallId === null ? undefined : await repos.cases.recordingOfCall(tenant.id, sipCallId);
  const opened = await repos.cases.open(tenant.id, caseDay(now, tenant.timeZone), {
    type: request.type,
    status: 'open',
    subject: request.subject,
    description: request.description,
    priority: request.priority,
    channel: channelOf(interaction),
    interactionId: interaction?.id ?? null,
    openedBy: opener.userId,
    caller,
    customerId,
    sipCallId,
    recordingFile: recording?.recordingFile ?? null,
    recordingMs: recording?.recordingMs ?? null,
    recordingSha256: recording?.recordingSha256 ?? null,
  });
  if (interaction !== undefined) {
    await repos.routing.addEvent(tenant.id, interaction.id, {
      at: now,
      kind: 'case_opened',
      agentId: opener.agentId,
      detail: { caseId: opened.id, number: opened.number, type: opened.type, by: opener.name },
    });
  }
  return opened;
}
