/**
 * Where the SIP stack's questions about people are answered from the directory: which tenant a
 * SIP domain belongs to (its SIP realm; anything else, such as the server's IP address, belongs to
 * the default tenant), and an agent's extension, digest HA1 and bindings.
 */
import type { SipAccount, SipAccounts } from '../sip/index.js';
import type { Repositories, TenantRow } from '../store/index.js';
import { StoreLocation } from './store-location.js';

export class DirectoryAccounts implements SipAccounts {
  constructor(
    private readonly repos: Repositories,
    private readonly defaultTenantSlug: string,
  ) {}

  async tenantFor(domain: string): Promise<TenantRow | undefined> {
    return (await this.repos.tenants.bySipRealm(domain)) ?? (await this.repos.tenants.bySlug(this.defaultTenantSlug));
  }

  async realm(domain: string): Promise<string> {
    return (await this.tenantFor(domain))?.sipRealm ?? domain;
  }

  async find(user: string, domain: string): Promise<SipAccount | undefined> {
    const tenant = await this.tenantFor(domain);
    if (tenant === undefined || tenant.status !== 'active') return undefined;
    const credentials = await this.repos.agents.sipCredentials(tenant.id, user);
    if (credentials === undefined || credentials.disabled) return undefined;
    return {
      realm: tenant.sipRealm,
      ha1: { md5: credentials.sipHa1Md5, sha256: credentials.sipHa1Sha256 },
      location: new StoreLocation(this.repos, tenant.id),
    };
  }
}
