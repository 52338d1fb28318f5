import { BlockList, isIP } from 'node:net';
import { DefinitionError } from '@agentchart/core';

/** What {@link AddressPolicy} decided about one IP address. */
export type AddressVerdict =
  | { allowed: true; address: string }
  | { allowed: false; address: string; range: string };

/** Decides whether a connection to an IP address is allowed. */
export type AddressPolicy = (address: string) => AddressVerdict;

type Family = 'ipv4' | 'ipv6';
type NamedRange = readonly [name: string, cidr: string];

/** Cloud metadata endpoints: never allowed, not even by an exemption that covers them. */
const metadataAddresses: readonly NamedRange[] = [
  ['the cloud metadata service (AWS, GCP, Azure, OpenStack)', '169.254.169.254/32'],
  ['the cloud metadata service (AWS ECS task credentials)', '169.254.170.2/32'],
  ['the cloud metadata service (AWS over IPv6)', 'fd00:ec2::254/128'],
  ['the cloud metadata service (Alibaba Cloud)', '100.100.100.200/32'],
];

/** Every IPv4 range of the IANA special-purpose registry that is not globally reachable. */
const refusedIpv4: readonly NamedRange[] = [
  ['"this network" (0.0.0.0/8; 0.0.0.0 reaches the local host)', '0.0.0.0/8'],
  ['private (RFC 1918, 10.0.0.0/8)', '10.0.0.0/8'],
  ['carrier-grade NAT (RFC 6598, 100.64.0.0/10)', '100.64.0.0/10'],
  ['loopback (127.0.0.0/8)', '127.0.0.0/8'],
  ['link-local (169.254.0.0/16)', '169.254.0.0/16'],
  ['private (RFC 1918, 172.16.0.0/12)', '172.16.0.0/12'],
  ['IETF protocol assignments (192.0.0.0/24)', '192.0.0.0/24'],
  ['documentation (192.0.2.0/24)', '192.0.2.0/24'],
  ['6to4 relay anycast (192.88.99.0/24)', '192.88.99.0/24'],
  ['private (RFC 1918, 192.168.0.0/16)', '192.168.0.0/16'],
  ['benchmarking (198.18.0.0/15)', '198.18.0.0/15'],
  ['documentation (198.51.100.0/24)', '198.51.100.0/24'],
  ['documentation (203.0.113.0/24)', '203.0.113.0/24'],
  ['multicast (224.0.0.0/4)', '224.0.0.0/4'],
  ['reserved or broadcast (240.0.0.0/4)', '240.0.0.0/4'],
];

/**
 * IPv6 is allowed only inside global unicast (2000::/3) and outside the special ranges in it;
 * everything else is refused. The names say why, for the messages.
 */
const namedIpv6: readonly NamedRange[] = [
  ['the unspecified address (::, reaches the local host)', '::/128'],
  ['loopback (::1)', '::1/128'],
  ['an IPv4-mapped IPv6 address (::ffff:0:0/96)', '::ffff:0:0/96'],
  ['IPv4-compatible IPv6 (::/96, deprecated)', '::/96'],
  ['NAT64 (64:ff9b::/96, reaches IPv4 through a gateway)', '64:ff9b::/96'],
  ['local-use NAT64 (64:ff9b:1::/48)', '64:ff9b:1::/48'],
  ['discard-only (100::/64)', '100::/64'],
  ['IETF protocol assignments, Teredo included (2001::/23)', '2001::/23'],
  ['documentation (2001:db8::/32)', '2001:db8::/32'],
  ['6to4 (2002::/16, embeds an IPv4 address)', '2002::/16'],
  ['documentation (3fff::/20)', '3fff::/20'],
  ['unique-local (fc00::/7)', 'fc00::/7'],
  ['link-local (fe80::/10)', 'fe80::/10'],
  ['site-local (fec0::/10, deprecated)', 'fec0::/10'],
  ['multicast (ff00::/8)', 'ff00::/8'],
];

const globalUnicastIpv6 = subnetList(['2000::/3']);

/**
 * The address policy of {@link httpTool}: loopback, private (RFC 1918), link-local,
 * carrier-grade NAT, unique-local, IPv4-mapped and every other range that is not globally
 * reachable are refused, cloud metadata addresses always. `allowAddresses` (addresses or
 * CIDR blocks) exempts ranges a deployment does mean to reach, such as an internal service.
 */
export function createAddressPolicy(
  owner: string,
  allowAddresses: readonly string[] = [],
): AddressPolicy {
  const metadata = namedLists(metadataAddresses);
  const refused = { ipv4: namedLists(refusedIpv4), ipv6: namedLists(namedIpv6) };
  const exempt = subnetList(allowAddresses.map((cidr) => checkedCidr(owner, cidr)));
  return (raw) => {
    const address = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    const version = isIP(address);
    // A zone index (fe80::1%eth0) names an interface: only non-global addresses carry one.
    if (version === 0 || address.includes('%')) {
      return { allowed: false, address, range: 'not a plain IP address' };
    }
    const family: Family = version === 4 ? 'ipv4' : 'ipv6';
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 too: a mapped metadata address
    // is named as such, and an exempted IPv4 host stays reachable in its mapped form.
    for (const [name, list] of metadata) {
      if (list.check(address, family)) return { allowed: false, address, range: name };
    }
    if (exempt.check(address, family)) return { allowed: true, address };
    for (const [name, list] of refused[family]) {
      if (list.check(address, family)) return { allowed: false, address, range: name };
    }
    if (family === 'ipv6' && !globalUnicastIpv6.check(address, 'ipv6')) {
      return { allowed: false, address, range: 'not global unicast IPv6 (outside 2000::/3)' };
    }
    return { allowed: true, address };
  };
}

function namedLists(ranges: readonly NamedRange[]): (readonly [string, BlockList])[] {
  return ranges.map(([name, cidr]) => [name, subnetList([cidr])] as const);
}

function subnetList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, bits] = cidr.split('/') as [string, string];
    list.addSubnet(network, Number(bits), isIP(network) === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** `10.0.0.0/8`, `fd12::/16`, or a bare address (one host); refused at definition time otherwise. */
function checkedCidr(owner: string, entry: string): string {
  const [network = '', bits, extra] = entry.split('/');
  const version = isIP(network);
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (
    version === 0 ||
    extra !== undefined ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: allowAddresses entry ${JSON.stringify(entry)} is not an IP address or CIDR block. Give e.g. "10.1.2.3", "10.0.0.0/8" or "fd12:3456::/32".`,
    );
  }
  return `${network}/${prefix}`;
}
