export { preparePlatform, platformAdminUsername, platformSlug, type PlatformReady } from './bootstrap.js';
export { demoAccessNumber, seedDemoCentre, type DemoCredential } from './demo.js';
export { decoyPasswordHash, hashPassword, randomPassword, verifyPassword } from './passwords.js';
export {
  createAgent,
  createUser,
  removeAgent,
  removeUser,
  updateAgent,
  updateUser,
  type AgentChanges,
  type NewAgent,
  type NewUser,
  type UserChanges,
} from './people.js';
export { normalizePhone, phoneVariants } from './phone.js';
export { hasAnyRole, roles, type Role } from './roles.js';
export { sipHa1 } from './sip-digest.js';
export { createTenant, type NewTenant } from './tenants.js';
export { screenCaller, type Screening, type ScreeningEntry, type ScreeningSettings } from './caller-screening.js';
export { OutboundTrunks, trunkCallerId, trunkNumber, type Presentation } from './trunks.js';
