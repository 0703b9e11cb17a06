/**
 * Users and agents: the people who log in to Kefu and the agents among them who take calls.
 * An agent is a user with the `agent` role plus an extension, SIP credentials and skills.
 */
import { ValidationError } from '../errors.js';
import type { Agent, Repositories, TenantRow, User } from '../store/index.js';
import { hashPassword } from './passwords.js';
import type { Role } from './roles.js';
import { sipHa1 } from './sip-digest.js';

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null | undefined;
  password: string;
  roles: Role[];
  disabled?: boolean | undefined;
}

export interface UserChanges {
  username?: string | undefined;
  displayName?: string | undefined;
  email?: string | null | undefined;
  password?: string | undefined;
  roles?: Role[] | undefined;
  disabled?: boolean | undefined;
}

export async function createUser(repos: Repositories, tenantId: string, input: NewUser): Promise<User> {
  return repos.users.create(tenantId, {
    username: input.username,
    displayName: input.displayName,
    email: input.email ?? null,
    passwordHash: await hashPassword(input.password),
    roles: input.roles,
    disabled: input.disabled ?? false,
  });
}

/** Changes a user; a new password or disabling the user ends the user's browser sessions. */
export async function updateUser(
  repos: Repositories,
  tenantId: string,
  id: string,
  version: number,
  changes: UserChanges,
): Promise<User> {
  const { password, ...rest } = changes;
  const passwordHash = password !== undefined ? await hashPassword(password) : undefined;
  const user = await keepingAnAdministrator(repos, tenantId, () =>
    repos.users.update(tenantId, id, version, { ...rest, ...(passwordHash !== undefined ? { passwordHash } : {}) }),
  );
  if (password !== undefined || changes.disabled === true) await repos.sessions.removeForUser(tenantId, id);
  return user;
}

/** Deletes a user, unless that would leave the tenant without an administrator. */
export async function removeUser(repos: Repositories, tenantId: string, id: string): Promise<User | undefined> {
  return keepingAnAdministrator(repos, tenantId, () => repos.users.remove(tenantId, id));
}

/**
 * A tenant that has an enabled administrator keeps one: without one, nobody inside the business
 * could manage its people again. Runs inside the transaction of the change, so refusing undoes it.
 */
async function keepingAnAdministrator<T>(repos: Repositories, tenantId: string, change: () => Promise<T>): Promise<T> {
  const administrators = () => repos.users.countEnabledWithAnyRole(tenantId, ['tenant_admin', 'platform_admin']);
  const before = await administrators();
  const result = await change();
  if (before > 0 && (await administrators()) === 0) {
    throw new ValidationError('the tenant would be left without an enabled administrator', [
      { path: 'roles', message: 'keep at least one enabled tenant_admin' },
    ]);
  }
  return result;
}

export interface NewAgent {
  username: string;
  displayName: string;
  password: string;
  extension: string;
  sipPassword: string;
  skills: Record<string, number>;
  /** The outside number the agent may take calls on, logged in remotely (A4). */
  remoteNumber?: string | null | undefined;
  /** Task roles beside `agent` (FEATURES D5). */
  roles?: Role[] | undefined;
}

export interface AgentChanges {
  displayName?: string | undefined;
  disabled?: boolean | undefined;
  extension?: string | undefined;
  sipPassword?: string | undefined;
  skills?: Record<string, number> | undefined;
  /** Null takes the outside number away. */
  remoteNumber?: string | null | undefined;
}

type AgentTenant = Pick<TenantRow, 'id' | 'sipRealm'>;

export async function createAgent(repos: Repositories, tenant: AgentTenant, input: NewAgent): Promise<Agent> {
  const roles: Role[] = ['agent', ...(input.roles ?? []).filter((r) => r !== 'agent')];
  const user = await createUser(repos, tenant.id, { ...input, roles });
  const ha1 = sipHa1(input.extension, tenant.sipRealm, input.sipPassword);
  return repos.agents.create(tenant.id, user.id, {
    extension: input.extension,
    sipHa1Md5: ha1.md5,
    sipHa1Sha256: ha1.sha256,
    skills: input.skills,
    remoteNumber: input.remoteNumber ?? null,
  });
}

/**
 * Changes an agent. The SIP digest hashes cover the extension (it is the SIP username), so a new
 * extension needs the SIP password again.
 */
export async function updateAgent(
  repos: Repositories,
  tenant: AgentTenant,
  id: string,
  version: number,
  changes: AgentChanges,
): Promise<Agent> {
  const current = await repos.agents.get(tenant.id, id);
  if (current !== undefined && changes.extension !== undefined && changes.extension !== current.extension && changes.sipPassword === undefined) {
    throw new ValidationError('a new extension needs the SIP password again', [
      { path: 'sipPassword', message: 'required when the extension changes' },
    ]);
  }
  const extension = changes.extension ?? current?.extension ?? '';
  const ha1 = changes.sipPassword !== undefined ? sipHa1(extension, tenant.sipRealm, changes.sipPassword) : undefined;
  const agent = await repos.agents.update(tenant.id, id, version, {
    ...(changes.extension !== undefined ? { extension: changes.extension } : {}),
    ...(ha1 !== undefined ? { sipHa1Md5: ha1.md5, sipHa1Sha256: ha1.sha256 } : {}),
    ...(changes.skills !== undefined ? { skills: changes.skills } : {}),
    ...(changes.remoteNumber !== undefined ? { remoteNumber: changes.remoteNumber } : {}),
  });
  if (changes.displayName === undefined && changes.disabled === undefined) return agent;
  const user = await repos.users.get(tenant.id, agent.userId);
  if (user === undefined) return agent;
  await updateUser(repos, tenant.id, user.id, user.version, {
    displayName: changes.displayName,
    disabled: changes.disabled,
  });
  return (await repos.agents.get(tenant.id, id)) as Agent;
}

/** Removes an agent together with the user account it logs in with. */
export async function removeAgent(repos: Repositories, tenantId: string, id: string): Promise<Agent | undefined> {
  const agent = await repos.agents.remove(tenantId, id);
  if (agent !== undefined) await removeUser(repos, tenantId, agent.userId);
  return agent;
}
