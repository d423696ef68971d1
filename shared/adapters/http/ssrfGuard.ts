import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * The send-condition endpoint is supplied by the caller, so calling it is an SSRF surface: outside local
 * mode only https, and never an address inside our network or the cloud's metadata service — checked on
 * the resolved addresses, and the connection is pinned to the address that was checked.
 */
export interface OutboundPolicy {
  allowLoopback: boolean;
  allowHttp: boolean;
}

const forbidden = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  forbidden.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  forbidden.addSubnet(network, prefix, "ipv6");
}
const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const metadataHosts = new Set(["metadata.google.internal", "metadata.azure.com", "metadata"]);

function mappedIpv4(address: string): string | undefined {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1];
}

/** Whether a resolved address may be called under the policy. */
export function isAllowedAddress(address: string, policy: OutboundPolicy): boolean {
  const v4 = mappedIpv4(address);
  const family = v4 ? "ipv4" : isIP(address) === 6 ? "ipv6" : "ipv4";
  const ip = v4 ?? address;
  if (policy.allowLoopback && loopback.check(ip, family)) return true;
  return !forbidden.check(ip, family);
}

export type GuardDecision =
  { allowed: true; address: string; family: 4 | 6 } | { allowed: false; reason: string };

/** Resolves the endpoint's host and decides whether it may be called; every resolved address must pass. */
export async function checkOutboundUrl(url: URL, policy: OutboundPolicy): Promise<GuardDecision> {
  if (url.protocol !== "https:" && !(policy.allowHttp && url.protocol === "http:")) {
    return { allowed: false, reason: "only https endpoints are called" };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (metadataHosts.has(host)) return { allowed: false, reason: "metadata endpoints are never called" };
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : await lookup(host, { all: true }).catch(() => []);
  if (addresses.length === 0) return { allowed: false, reason: "the host does not resolve" };
  if (!addresses.every((a) => isAllowedAddress(a.address, policy))) {
    return { allowed: false, reason: "the host resolves to a private, loopback or link-local address" };
  }
  const first = addresses[0]!;
  return { allowed: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}
