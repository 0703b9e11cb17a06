/**
 * Versioned migrations, applied in name order at start-up. A migration, once released, is never
 * edited: a change to the schema is a new file. Numbers are taken by branches in parallel, so one
 * may land after a higher number has run somewhere (0006 after 0007): the store applies whatever
 * has not run, in name order, rather than refusing the database (see `migrate` in store.ts).
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as directory from './0001-directory.js';
import * as sipBindings from './0002-sip-bindings.js';
import * as flows from './0003-flows.js';
import * as calendarsAndLists from './0004-calendars-and-lists.js';
import * as calls from './0005-calls.js';
import * as trunks from './0006-trunks.js';
import * as callLegs from './0007-call-legs.js';
import * as routing from './0008-routing.js';
import * as callbackInteractions from './0009-callback-interactions.js';
import * as wrapUp from './0010-wrap-up.js';
import * as notReadyReasons from './0011-not-ready-reasons.js';
import * as remoteAgents from './0012-remote-agents.js';
import * as caseDetails from './0013-case-details.js';

const migrations: Record<string, Migration> = {
  '0001-directory': directory,
  '0002-sip-bindings': sipBindings,
  '0003-flows': flows,
  '0004-calendars-and-lists': calendarsAndLists,
  '0005-calls': calls,
  '0006-trunks': trunks,
  '0007-call-legs': callLegs,
  '0008-routing': routing,
  '0009-callback-interactions': callbackInteractions,
  '0010-wrap-up': wrapUp,
  '0011-not-ready-reasons': notReadyReasons,
  '0012-remote-agents': remoteAgents,
  '0013-case-details': caseDetails,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
