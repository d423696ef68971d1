import { describe, expect, it } from "vitest";
import {
  checkOutboundUrl,
  classifyAddress,
  hostedOutboundPolicy,
  isAllowedAddress,
  localOutboundPolicy,
  type HostResolver,
} from "../../../shared/adapters/http/ssrfGuard";

// Pure decisions only: nothing here opens a connection, so public addresses can be used freely.

/** A resolver that answers from a table and records what it was asked. */
function fakeResolver(answers: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const addresses = answers[hostname];
    if (addresses === undefined) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe("address classification", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade-nat"],
    ["100.127.255.254", "carrier-grade-nat"],
    ["100.100.100.200", "carrier-grade-nat"], // Alibaba Cloud metadata
    ["169.254.169.254", "link-local"], // Azure/AWS/GCP metadata
    ["169.254.0.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf:ffff::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "unique-local"], // AWS IPv6 metadata
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["192.0.0.192", "reserved"], // Oracle Cloud metadata
    ["fec0::1", "private"],
    ["2001:db8::1", "documentation"],
    ["::127.0.0.1", "reserved"],
  ])("%s is %s", (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it.each([
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["64:ff9b::a9fe:a9fe", "link-local"], // NAT64 of the metadata address
    ["2002:a9fe:a9fe::1", "link-local"], // 6to4 of the metadata address
    ["2002:c0a8:0101::1", "private"],
  ])("classifies %s by the IPv4 address it embeds (%s)", (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "9.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "169.255.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.167.255.255",
    "192.169.0.0",
    "223.255.255.255",
    "2001:4860:4860::8888",
    "2a00:1450:400f:80d::200e",
    "::ffff:8.8.8.8",
    "2002:0808:0808::1",
  ])("%s (just outside a forbidden range, or plainly public) is public", (address) => {
    expect(classifyAddress(address)).toBe("public");
  });

  it("refuses to classify something that is not an address", () => {
    expect(() => classifyAddress("example.com")).toThrow(TypeError);
  });
});

describe("isAllowedAddress", () => {
  it.each([
    "127.0.0.1",
    "::1",
    "::ffff:127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:10.0.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "ff02::1",
    "not-an-address",
  ])("refuses %s when hosted", (address) => {
    expect(isAllowedAddress(address, hostedOutboundPolicy)).toBe(false);
  });

  it("allows public addresses when hosted", () => {
    expect(isAllowedAddress("8.8.8.8", hostedOutboundPolicy)).toBe(true);
    expect(isAllowedAddress("2001:4860:4860::8888", hostedOutboundPolicy)).toBe(true);
  });

  it("allows loopback in local mode, but still not private, link-local or metadata addresses", () => {
    expect(isAllowedAddress("127.0.0.1", localOutboundPolicy)).toBe(true);
    expect(isAllowedAddress("::1", localOutboundPolicy)).toBe(true);
    expect(isAllowedAddress("::ffff:127.0.0.1", localOutboundPolicy)).toBe(true);
    expect(isAllowedAddress("10.0.0.1", localOutboundPolicy)).toBe(false);
    expect(isAllowedAddress("169.254.169.254", localOutboundPolicy)).toBe(false);
    expect(isAllowedAddress("0.0.0.0", localOutboundPolicy)).toBe(false);
  });
});

describe("checkOutboundUrl", () => {
  const check = (url: string, policy = hostedOutboundPolicy, resolver?: HostResolver) =>
    checkOutboundUrl(new URL(url), policy, resolver);

  it("resolves localhost with the system resolver and refuses it when hosted", async () => {
    const decision = await check("https://localhost/condition");
    expect(decision).toMatchObject({ allowed: false });
    expect(decision.allowed === false && decision.reason).toMatch(/loopback/);
  });

  it("allows localhost over http in local mode and returns the loopback address to connect to", async () => {
    expect(await check("http://localhost/condition", localOutboundPolicy)).toMatchObject({
      allowed: true,
      address: expect.stringMatching(/^(127\.|::1$)/),
    });
  });

  it("refuses http when hosted, before any DNS lookup", async () => {
    const resolver = fakeResolver({ "conditions.example": ["8.8.8.8"] });
    expect(await check("http://conditions.example/", hostedOutboundPolicy, resolver)).toEqual({
      allowed: false,
      reason: "scheme http not allowed",
    });
    expect(resolver.asked).toEqual([]);
  });

  it("refuses schemes other than http(s) even in local mode", async () => {
    expect(await check("ftp://127.0.0.1/", localOutboundPolicy)).toMatchObject({ allowed: false });
    expect(await check("file:///etc/passwd", localOutboundPolicy)).toMatchObject({ allowed: false });
  });

  it("allows a public IP literal without a DNS lookup (not connecting to it)", async () => {
    const resolver = fakeResolver({});
    expect(await check("https://8.8.8.8/condition", hostedOutboundPolicy, resolver)).toEqual({
      allowed: true,
      address: "8.8.8.8",
      family: 4,
    });
    expect(await check("https://[2001:4860:4860::8888]:8443/c", hostedOutboundPolicy, resolver)).toEqual({
      allowed: true,
      address: "2001:4860:4860::8888",
      family: 6,
    });
    expect(resolver.asked).toEqual([]);
  });

  it.each([
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:169.254.169.254]/",
    "https://[::ffff:127.0.0.1]/",
    "https://2130706433/", // 127.0.0.1 as one number; the URL parser normalises it
    "https://0x7f.1/",
    "https://0/",
    "https://10.0.0.1:8443/",
    "https://[fd00:ec2::254]/",
  ])("refuses the literal %s when hosted", async (url) => {
    expect(await check(url, hostedOutboundPolicy, fakeResolver({}))).toMatchObject({ allowed: false });
  });

  it.each(["metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata.azure.com", "metadata"])(
    "refuses the metadata hostname %s without resolving it",
    async (host) => {
      const resolver = fakeResolver({ [host.toLowerCase()]: ["8.8.8.8"] });
      expect(await check(`https://${host}/`, hostedOutboundPolicy, resolver)).toEqual({
        allowed: false,
        reason: "metadata hostname",
      });
      expect(resolver.asked).toEqual([]);
    },
  );

  it("refuses a host if ANY resolved address is forbidden, whatever the order", async () => {
    const resolver = fakeResolver({
      "mixed-first-public.example": ["8.8.8.8", "10.0.0.5"],
      "mixed-first-private.example": ["169.254.169.254", "8.8.8.8"],
    });
    expect(await check("https://mixed-first-public.example/", hostedOutboundPolicy, resolver)).toEqual({
      allowed: false,
      reason: "10.0.0.5 is private",
    });
    expect(await check("https://mixed-first-private.example/", hostedOutboundPolicy, resolver)).toEqual({
      allowed: false,
      reason: "169.254.169.254 is link-local",
    });
  });

  it("allows a host whose addresses are all public and pins the first one", async () => {
    const resolver = fakeResolver({ "conditions.example": ["2001:4860:4860::8888", "8.8.8.8"] });
    expect(await check("https://conditions.example/c?id=1", hostedOutboundPolicy, resolver)).toEqual({
      allowed: true,
      address: "2001:4860:4860::8888",
      family: 6,
    });
    expect(resolver.asked).toEqual(["conditions.example"]);
  });

  it("refuses a host that does not resolve, or resolves to nothing", async () => {
    const resolver = fakeResolver({ "empty.example": [] });
    expect(await check("https://missing.example/", hostedOutboundPolicy, resolver)).toEqual({
      allowed: false,
      reason: "DNS lookup failed: ENOTFOUND",
    });
    expect(await check("https://empty.example/", hostedOutboundPolicy, resolver)).toEqual({
      allowed: false,
      reason: "DNS lookup returned no address",
    });
  });
});
