import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy';

describe('createAddressPolicy', () => {
  const policy = createAddressPolicy('test');

  it.each([
    ['169.254.169.254', 'the cloud metadata service (AWS, GCP, Azure, OpenStack)'],
    ['::ffff:169.254.169.254', 'the cloud metadata service (AWS, GCP, Azure, OpenStack)'],
    ['::ffff:a9fe:a9fe', 'the cloud metadata service (AWS, GCP, Azure, OpenStack)'],
    ['fd00:ec2::254', 'the cloud metadata service (AWS over IPv6)'],
    ['100.100.100.200', 'the cloud metadata service (Alibaba Cloud)'],
    ['127.0.0.1', 'loopback (127.0.0.0/8)'],
    ['127.255.255.254', 'loopback (127.0.0.0/8)'],
    ['0.0.0.0', '"this network" (0.0.0.0/8; 0.0.0.0 reaches the local host)'],
    ['10.1.2.3', 'private (RFC 1918, 10.0.0.0/8)'],
    ['172.16.0.1', 'private (RFC 1918, 172.16.0.0/12)'],
    ['172.31.255.255', 'private (RFC 1918, 172.16.0.0/12)'],
    ['192.168.1.1', 'private (RFC 1918, 192.168.0.0/16)'],
    ['100.64.0.1', 'carrier-grade NAT (RFC 6598, 100.64.0.0/10)'],
    ['100.127.255.255', 'carrier-grade NAT (RFC 6598, 100.64.0.0/10)'],
    ['169.254.1.1', 'link-local (169.254.0.0/16)'],
    ['192.0.2.10', 'documentation (192.0.2.0/24)'],
    ['198.18.0.1', 'benchmarking (198.18.0.0/15)'],
    ['224.0.0.1', 'multicast (224.0.0.0/4)'],
    ['255.255.255.255', 'reserved or broadcast (240.0.0.0/4)'],
    ['::1', 'loopback (::1)'],
    ['::', 'the unspecified address (::, reaches the local host)'],
    ['::ffff:127.0.0.1', 'an IPv4-mapped IPv6 address (::ffff:0:0/96)'],
    ['::ffff:7f00:1', 'an IPv4-mapped IPv6 address (::ffff:0:0/96)'],
    ['::ffff:8.8.8.8', 'an IPv4-mapped IPv6 address (::ffff:0:0/96)'],
    ['::127.0.0.1', 'IPv4-compatible IPv6 (::/96, deprecated)'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 (64:ff9b::/96, reaches IPv4 through a gateway)'],
    ['fc00::1', 'unique-local (fc00::/7)'],
    ['fd12:3456::1', 'unique-local (fc00::/7)'],
    ['fe80::1', 'link-local (fe80::/10)'],
    ['ff02::1', 'multicast (ff00::/8)'],
    ['2001:db8::1', 'documentation (2001:db8::/32)'],
    ['2001:0:4136:e378::1', 'IETF protocol assignments, Teredo included (2001::/23)'],
    ['2002:7f00:1::1', '6to4 (2002::/16, embeds an IPv4 address)'],
    ['4000::1', 'not global unicast IPv6 (outside 2000::/3)'],
    ['fe80::1%eth0', 'not a plain IP address'],
    ['example.com', 'not a plain IP address'],
  ])('refuses %s: %s', (address, range) => {
    expect(policy(address)).toEqual({ allowed: false, address, range });
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80e::200e',
  ])('allows the public address %s', (address) => {
    expect(policy(address)).toEqual({ allowed: true, address });
  });

  it('allows exempted addresses and ranges, but never the metadata service', () => {
    const exempting = createAddressPolicy('test', ['127.0.0.1', '10.20.0.0/16', '169.254.0.0/16']);
    expect(exempting('127.0.0.1').allowed).toBe(true);
    expect(exempting('127.0.0.2').allowed).toBe(false);
    expect(exempting('10.20.5.5').allowed).toBe(true);
    expect(exempting('10.21.0.1').allowed).toBe(false);
    expect(exempting('169.254.1.1').allowed).toBe(true);
    expect(exempting('169.254.169.254').allowed).toBe(false);
    expect(exempting('::ffff:169.254.169.254').allowed).toBe(false);
  });

  it('refuses exemptions that are not addresses or CIDR blocks when it is made', () => {
    for (const entry of ['10.0.0.0/33', 'localhost', '10.0.0.0/8/8', '::1/129', '']) {
      expect(() => createAddressPolicy('httpTool', [entry])).toThrow(
        `httpTool: allowAddresses entry ${JSON.stringify(entry)} is not an IP address or CIDR block`,
      );
    }
  });
});
