/**
 * Where the SIP stack's questions about people are answered from the directory: which tenant a
 * SIP domain belongs to (its SIP realm; anything else, such as the server's IP address, belongs to
 * the default tenant), and an agent's extension, digest HA1 and bindings.
 */
import type { SipAccount, SipAccounts } from '../sip/index.js';
import type { Repositories, TenantRow } from '../store/index.js';
import { StoreLocation } from './store-location.js';

export interface DirectoryAccountsOptions {
  /**
   * How long a domain's tenant is remembered. Every REGISTER asks twice (challenge, then
   * credentials); a suspended tenant's phones are refused at the latest this long after.
   */
  tenantTtlMs: number;
  /** Domains remembered at most: the domain comes from the network, so the memory is bounded. */
  maxDomains: number;
  now: () => number;
}

const defaults: DirectoryAccountsOptions = { tenantTtlMs: 5_000, maxDomains: 10_000, now: () => Date.now() };

export class DirectoryAccounts implements SipAccounts {
  readonly #tenants = new Map<string, { tenant: TenantRow | undefined; until: number }>();
  readonly #options: DirectoryAccountsOptions;

  constructor(
    private readonly repos: Repositories,
    private readonly defaultTenantSlug: string,
    options: Partial<DirectoryAccountsOptions> = {},
  ) {
    this.#options = { ...defaults, ...options };
  }

  async tenantFor(domain: string): Promise<TenantRow | undefined> {
    const now = this.#options.now();
    const known = this.#tenants.get(domain);
    if (known !== undefined && known.until > now) return known.tenant;
    const tenant = (await this.repos.tenants.bySipRealm(domain)) ?? (await this.repos.tenants.bySlug(this.defaultTenantSlug));
    this.#tenants.delete(domain);
    this.#tenants.set(domain, { tenant, until: now + this.#options.tenantTtlMs });
    // Map order is insertion order: the first entry is the one looked up longest ago.
    if (this.#tenants.size > this.#options.maxDomains) this.#tenants.delete(this.#tenants.keys().next().value as string);
    return tenant;
  }

  async realm(domain: string): Promise<string> {
    return (await this.tenantFor(domain))?.sipRealm ?? domain;
  }

  async removeExpired(now: number): Promise<number> {
    return this.repos.sipBindings.removeExpired(new Date(now));
  }

  async forgetSource(source: string): Promise<number> {
    return this.repos.sipBindings.removeFrom(source);
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
