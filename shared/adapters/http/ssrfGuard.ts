import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import { errorCode } from "../../narrowing";

/**
 * Decides whether the service may call a URL supplied by a tenant (condition endpoints). A tenant must not be
 * able to make us reach our own network, the cloud metadata service or loopback, so addresses are checked
 * after DNS resolution and the caller must connect to the address that was checked (`checkOutboundUrl`
 * returns it), otherwise a DNS answer that changes between check and connect (rebinding) defeats the check.
 */
export interface OutboundPolicy {
  /** Local development only: plain http. */
  allowHttp: boolean;
  /** Local development only: 127.0.0.0/8 and ::1 (not the private ranges). */
  allowLoopback: boolean;
}

export const hostedOutboundPolicy: OutboundPolicy = { allowHttp: false, allowLoopback: false };
export const localOutboundPolicy: OutboundPolicy = { allowHttp: true, allowLoopback: true };

type AddressCategory =
  | "public"
  | "loopback"
  | "private"
  | "carrier-grade-nat"
  | "link-local"
  | "unique-local"
  | "unspecified"
  | "multicast"
  | "documentation"
  | "reserved";

type GuardDecision = { allowed: true; address: string; family: 4 | 6 } | { allowed: false; reason: string };

export type HostResolver = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

const systemHostResolver: HostResolver = (hostname) => dns.lookup(hostname, { all: true });

/**
 * Cloud metadata names, refused before any lookup. They normally resolve to link-local or unique-local
 * addresses that the address check refuses anyway; naming them guards against a resolver that says otherwise.
 */
const metadataHostnames = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "metadata.azure.com",
  "instance-data",
  "instance-data.ec2.internal",
]);

type Rule = readonly [prefix: string, length: number, category: AddressCategory];

const ipv4Rules: readonly Rule[] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade-nat"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"], // includes 169.254.169.254, the metadata service of Azure, AWS and GCP
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"], // IETF protocol assignments; Oracle Cloud metadata is 192.0.0.192
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"], // includes 255.255.255.255
];

// First match wins, so the exact addresses come before the ::/96 block that contains them.
const ipv6Rules: readonly Rule[] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::", 96, "reserved"], // deprecated IPv4-compatible addresses
  ["64:ff9b:1::", 48, "private"], // local-use NAT64
  ["100::", 64, "reserved"], // discard-only
  ["2001:db8::", 32, "documentation"],
  ["2001::", 32, "reserved"], // Teredo tunnels embed an obfuscated IPv4 address
  ["fc00::", 7, "unique-local"], // includes AWS's IPv6 metadata address fd00:ec2::254
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "private"], // deprecated site-local
  ["ff00::", 8, "multicast"],
];

/** Prefixes whose low bits carry an IPv4 address the packet is really delivered to. */
const ipv4EmbeddingPrefixes: ReadonlyArray<readonly [prefix: string, length: number, shift: bigint]> = [
  ["::ffff:0:0", 96, 0n], // IPv4-mapped
  ["64:ff9b::", 96, 0n], // well-known NAT64
  ["2002::", 16, 80n], // 6to4
];

/** What kind of address an IP literal is; throws for a string that is not an IP address. */
export function classifyAddress(ip: string): AddressCategory {
  const bare = bareAddress(ip);
  const family = isIP(bare);
  if (family === 4) return classifyIpv4(parseIpv4(bare));
  if (family === 6) return classifyIpv6(parseIpv6(bare));
  throw new TypeError(`not an IP address: ${ip}`);
}

/** Whether a (resolved) address may be called under the policy. */
export function isAllowedAddress(ip: string, policy: OutboundPolicy): boolean {
  if (isIP(bareAddress(ip)) === 0) return false;
  const category = classifyAddress(ip);
  return category === "public" || (category === "loopback" && policy.allowLoopback);
}

/**
 * Decides whether the URL may be called and, if so, which address to connect to. The host is resolved and
 * EVERY address must pass (an attacker controls the order, and a client may try any of them); the caller
 * must then connect to the returned address, not resolve the name again.
 */
export async function checkOutboundUrl(
  url: URL,
  policy: OutboundPolicy,
  resolveHost: HostResolver = systemHostResolver,
): Promise<GuardDecision> {
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowHttp)) {
    return { allowed: false, reason: `scheme ${url.protocol.slice(0, -1)} not allowed` };
  }
  const host = hostOf(url);
  if (metadataHostnames.has(host.toLowerCase().replace(/\.+$/, ""))) {
    return { allowed: false, reason: "metadata hostname" };
  }
  let addresses: ReadonlyArray<{ address: string }>;
  try {
    addresses = isIP(host) !== 0 ? [{ address: host }] : await resolveHost(host);
  } catch (error) {
    return {
      allowed: false,
      reason: `DNS lookup failed: ${errorCode(error) ?? "error"}`,
    };
  }
  const [first] = addresses;
  if (first === undefined) return { allowed: false, reason: "DNS lookup returned no address" };
  for (const { address } of addresses) {
    if (!isAllowedAddress(address, policy)) {
      return { allowed: false, reason: `${address} is ${classifyAddress(address)}` };
    }
  }
  return { allowed: true, address: first.address, family: isIP(first.address) === 6 ? 6 : 4 };
}

/** URL.hostname keeps the brackets around IPv6 literals; DNS and isIP want them gone. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/** Without URL brackets or an IPv6 zone ("fe80::1%eth0"); the zone does not change the category. */
function bareAddress(ip: string): string {
  return ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
}

function classifyIpv4(address: number): AddressCategory {
  for (const [prefix, length, category] of ipv4Rules) {
    if (address >>> (32 - length) === parseIpv4(prefix) >>> (32 - length)) return category;
  }
  return "public";
}

function classifyIpv6(address: bigint): AddressCategory {
  for (const [prefix, length, shift] of ipv4EmbeddingPrefixes) {
    if (hasPrefix(address, prefix, length)) return classifyIpv4(Number((address >> shift) & 0xffffffffn));
  }
  for (const [prefix, length, category] of ipv6Rules) {
    if (hasPrefix(address, prefix, length)) return category;
  }
  return "public";
}

function hasPrefix(address: bigint, prefix: string, length: number): boolean {
  const dropped = BigInt(128 - length);
  return address >> dropped === parseIpv6(prefix) >> dropped;
}

function parseIpv4(ip: string): number {
  return ip.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** Expects a valid IPv6 literal without zone (checked with isIP first). */
function parseIpv6(ip: string): bigint {
  let text = ip;
  const dottedTail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dottedTail !== undefined) {
    const v4 = parseIpv4(dottedTail);
    text = `${text.slice(0, -dottedTail.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = new Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].reduce(
    (value, group) => (value << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}
