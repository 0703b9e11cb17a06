/**
 * What a node needs before anyone can log in: the platform tenant and its administrator.
 */
import type { Store, TenantRow } from '../store/index.js';
import { hashPassword, randomPassword, verifyPassword } from './passwords.js';
import { createUser } from './people.js';
import { createTenant } from './tenants.js';

export const platformSlug = 'platform';
export const platformAdminUsername = 'admin';

export interface PlatformReady {
  tenant: TenantRow;
  /** Set only when a random password was made now: it is shown this once and never again. */
  generatedAdminPassword?: string;
}

/**
 * Creates the platform tenant and its administrator on first start. With `adminPassword` set,
 * the administrator's password is made to match it on every start (the way back in for an
 * operator who lost it).
 */
export async function preparePlatform(store: Store, adminPassword: string | undefined): Promise<PlatformReady> {
  return store.transaction(async (repos) => {
    const existing = await repos.tenants.platform();
    if (existing !== undefined) {
      if (adminPassword !== undefined) {
        const admin = await repos.users.withPasswordHash(existing.id, platformAdminUsername);
        if (admin !== undefined && !(await verifyPassword(adminPassword, admin.passwordHash))) {
          await repos.users.update(existing.id, admin.id, admin.version, { passwordHash: await hashPassword(adminPassword) });
        }
      }
      return { tenant: existing };
    }
    const tenant = await createTenant(repos, { slug: platformSlug, name: '客服平台', nameEn: 'Kefu platform' }, true);
    const password = adminPassword ?? randomPassword();
    await createUser(repos, tenant.id, {
      username: platformAdminUsername,
      displayName: '平台管理员 Platform administrator',
      password,
      roles: ['platform_admin'],
    });
    return adminPassword === undefined ? { tenant, generatedAdminPassword: password } : { tenant };
  });
}
