import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { AgentRepository } from './agents.js';
import { ApiKeyRepository } from './api-keys.js';
import { AuditRepository } from './audit.js';
import { CalendarRepository } from './calendar.js';
import { CallSettingsRepository } from './call-settings.js';
import { CallerListRepository } from './caller-lists.js';
import { CustomerRepository } from './customers.js';
import { DepartmentRepository } from './departments.js';
import { CdrRepository } from './cdrs.js';
import { CaseRepository } from './cases.js';
import { MailboxRepository } from './mailboxes.js';
import { NotReadyReasonRepository } from './not-ready-reasons.js';
import { SurveyRepository } from './surveys.js';
import { FlowRepository } from './flows.js';
import { NumberRepository } from './numbers.js';
import { PromptRepository } from './prompts.js';
import { QueueRepository } from './queues.js';
import { RoutingRepository } from './routing.js';
import { SessionRepository } from './sessions.js';
import { SipBindingRepository } from './sip-bindings.js';
import { TenantRepository } from './tenants.js';
import { TrunkRepository } from './trunks.js';
import { UserRepository } from './users.js';

/** Every repository, bound to one executor: the database, or one transaction. */
export class Repositories {
  readonly tenants: TenantRepository;
  readonly numbers: NumberRepository;
  readonly users: UserRepository;
  readonly agents: AgentRepository;
  readonly departments: DepartmentRepository;
  readonly customers: CustomerRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly sessions: SessionRepository;
  readonly audit: AuditRepository;
  readonly sipBindings: SipBindingRepository;
  readonly flows: FlowRepository;
  readonly prompts: PromptRepository;
  readonly cdrs: CdrRepository;
  readonly cases: CaseRepository;
  readonly mailboxes: MailboxRepository;
  readonly surveys: SurveyRepository;
  readonly calendar: CalendarRepository;
  readonly callerLists: CallerListRepository;
  readonly callSettings: CallSettingsRepository;
  readonly queues: QueueRepository;
  readonly routing: RoutingRepository;
  readonly trunks: TrunkRepository;
  readonly notReadyReasons: NotReadyReasonRepository;

  constructor(db: Kysely<Database>) {
    this.tenants = new TenantRepository(db);
    this.numbers = new NumberRepository(db);
    this.users = new UserRepository(db);
    this.agents = new AgentRepository(db);
    this.departments = new DepartmentRepository(db);
    this.customers = new CustomerRepository(db);
    this.apiKeys = new ApiKeyRepository(db);
    this.sessions = new SessionRepository(db);
    this.audit = new AuditRepository(db);
    this.sipBindings = new SipBindingRepository(db);
    this.flows = new FlowRepository(db);
    this.prompts = new PromptRepository(db);
    this.cdrs = new CdrRepository(db);
    this.cases = new CaseRepository(db);
    this.mailboxes = new MailboxRepository(db);
    this.surveys = new SurveyRepository(db);
    this.calendar = new CalendarRepository(db);
    this.callerLists = new CallerListRepository(db);
    this.callSettings = new CallSettingsRepository(db);
    this.queues = new QueueRepository(db);
    this.routing = new RoutingRepository(db);
    this.trunks = new TrunkRepository(db);
    this.notReadyReasons = new NotReadyReasonRepository(db);
  }
}
