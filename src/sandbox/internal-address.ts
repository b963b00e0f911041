/**
 * Addresses that are not the public internet: loopback, private ranges, link-local (where
 * cloud metadata services live), carrier-grade NAT, multicast, unspecified. The proxy lets a
 * name reach one only when that exact name or address is in the allowlist, so a domain listed
 * with its subdomains cannot be turned into a door to the local network by a DNS record
 * (`metadata.allowed.com -> 169.254.169.254`).
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const internal = new BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(prefix, bits, 'ipv6');
}

/** IPv4 carried inside IPv6 (::ffff:10.0.0.1, ::ffff:a00:1, NAT64 64:ff9b::a00:1), or null. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1] !== undefined) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] === undefined || hex[2] === undefined) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Whether an IP address (v4 or v6) is outside the public internet. Unknown text counts as internal. */
export function isInternalAddress(address: string): boolean {
  if (isIPv4(address)) return internal.check(address, 'ipv4');
  if (!isIPv6(address)) return true;
  const inner = embeddedIpv4(address);
  if (inner !== null) return internal.check(inner, 'ipv4');
  return internal.check(address, 'ipv6');
}
