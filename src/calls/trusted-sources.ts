/**
 * The SIP sources never rate-limited or blocked: the operator's list (addresses and subnets: a
 * proxy in front of Kefu, a carrier's SBC) and the addresses of the enabled trunks, because a
 * carrier brings every caller's calls from a few addresses at a rate no phone reaches.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export class TrustedSources {
  readonly #configured = new BlockList();
  #trunks = new Set<string>();

  constructor(
    configured: readonly string[],
    private readonly trunkHosts: () => Promise<string[]>,
  ) {
    for (const entry of configured) {
      const [address = '', bits] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#configured.addAddress(address, family);
      else this.#configured.addSubnet(address, Number(bits), family);
    }
  }

  has(address: string): boolean {
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.#trunks.has(plain) || this.#configured.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** Reads the trunks again; a host name counts by the addresses it resolves to now. */
  async refresh(): Promise<void> {
    const addresses = new Set<string>();
    for (const host of await this.trunkHosts()) {
      if (isIP(host) !== 0) addresses.add(host);
      else for (const found of await lookup(host, { all: true }).catch(() => [])) addresses.add(found.address);
    }
    this.#trunks = addresses;
  }
}
