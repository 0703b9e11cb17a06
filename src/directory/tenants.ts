import type { Repositories, TenantRow, TenantStatus } from '../store/index.js';

export interface NewTenant {
  slug: string;
  name: string;
  nameEn: string;
  /** SIP digest realm of the tenant's agents; fixed once created. Default: the slug. */
  sipRealm?: string | undefined;
  timeZone?: string | undefined;
  locale?: string | undefined;
  status?: TenantStatus | undefined;
}

export async function createTenant(repos: Repositories, input: NewTenant, isPlatform = false): Promise<TenantRow> {
  return repos.tenants.create({
    slug: input.slug,
    name: input.name,
    nameEn: input.nameEn,
    sipRealm: input.sipRealm ?? input.slug,
    timeZone: input.timeZone ?? 'Asia/Shanghai',
    locale: input.locale ?? 'zh-CN',
    status: input.status ?? 'active',
    isPlatform,
  });
}
