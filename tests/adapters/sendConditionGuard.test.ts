import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSendConditionChecker } from "../../shared/adapters/http/sendConditionClient";
import { checkOutboundUrl, isAllowedAddress } from "../../shared/adapters/http/ssrfGuard";

const azure = { allowLoopback: false, allowHttp: false };
const local = { allowLoopback: true, allowHttp: true };

describe("the outbound guard for caller-supplied condition endpoints", () => {
  it.each([
    "127.0.0.1",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "fe80::1",
    "fc00::1",
    "::ffff:10.0.0.1",
    "0.0.0.0",
    "224.0.0.1",
  ])("refuses %s outside local mode", (address) => {
    expect(isAllowedAddress(address, azure)).toBe(false);
  });

  it("allows a public address", () => {
    expect(isAllowedAddress("8.8.8.8", azure)).toBe(true);
    expect(isAllowedAddress("2001:4860:4860::8888", azure)).toBe(true);
  });

  it("checks the resolved addresses of a host name, and http only in local mode", async () => {
    expect(await checkOutboundUrl(new URL("https://localhost/cond"), azure)).toMatchObject({
      allowed: false,
    });
    expect(await checkOutboundUrl(new URL("http://8.8.8.8/cond"), azure)).toMatchObject({ allowed: false });
    expect(await checkOutboundUrl(new URL("https://metadata.google.internal/"), azure)).toMatchObject({
      allowed: false,
    });
    expect(await checkOutboundUrl(new URL("http://localhost/cond"), local)).toMatchObject({ allowed: true });
  });
});

describe("HttpSendConditionChecker against a condition endpoint on loopback", () => {
  let server: Server;
  let url: string;
  let hits = 0;
  const held: Array<() => void> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(body);
      };
      if (req.url === "/yes") return reply(200, '{"sendNotification":true}');
      if (req.url === "/no") return reply(200, '{"sendNotification":false}');
      if (req.url === "/error") return reply(500, "{}");
      if (req.url === "/not-json") return reply(200, "<html>");
      if (req.url === "/missing") return reply(200, '{"send":true}');
      if (req.url === "/redirect") return reply(302, "", { location: "/yes" });
      if (req.url === "/slow") return held.push(() => reply(200, '{"sendNotification":true}'));
      reply(404, "{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    held.forEach((release) => release());
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const checker = new HttpSendConditionChecker({ ...local, timeoutMs: 300 });

  it("reads a yes and a no", async () => {
    expect(await checker.check(`${url}/yes`)).toEqual({ outcome: "send" });
    expect(await checker.check(`${url}/no`)).toEqual({ outcome: "skip" });
  });

  it.each(["/error", "/not-json", "/missing", "/redirect", "/slow"])(
    "treats %s as an error, never as an answer",
    async (path) => {
      const result = await checker.check(`${url}${path}`);
      expect(result.outcome).toBe("error");
    },
  );

  it("does not call an endpoint the guard refuses", async () => {
    const before = hits;
    const guarded = new HttpSendConditionChecker({ ...azure, timeoutMs: 300 });
    expect(await guarded.check(`${url}/yes`)).toMatchObject({ outcome: "error" });
    expect(hits).toBe(before);
  });
});
