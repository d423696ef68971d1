import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpSendConditionChecker } from "../../../shared/adapters/http/sendConditionClient";
import { hostedOutboundPolicy, localOutboundPolicy } from "../../../shared/adapters/http/ssrfGuard";

// A condition endpoint on 127.0.0.1; the client runs with the guard in local mode (http + loopback allowed).
// Timeouts are short, and the "slow" routes never answer, so no test waits on a sleep of its own.

const secretInBody = "internal-stack-trace-do-not-log";

interface SeenRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

let server: Server;
let base: string;
let port: number;
let seen: SeenRequest[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body);
    };
    switch (req.url) {
      case "/yes":
        return reply(200, '{"sendNotification":true}');
      case "/no":
        return reply(200, '{"sendNotification":false}');
      case "/yes-with-extras":
        return reply(200, '{"sendNotification":true,"reason":"task open"}');
      case "/server-error":
        return reply(500, `{"error":"${secretInBody}"}`);
      case "/not-found":
        return reply(404, "{}");
      case "/not-json":
        return reply(200, "<html>oops</html>");
      case "/empty":
        return reply(200, "");
      case "/missing-property":
        return reply(200, '{"send":true}');
      case "/string-boolean":
        return reply(200, '{"sendNotification":"true"}');
      case "/null":
        return reply(200, "null");
      case "/redirect":
        return reply(302, "", { location: "/yes" });
      case "/huge":
        return reply(200, `{"sendNotification":true,"padding":"${"x".repeat(20_000)}"}`);
      case "/slow-headers":
        return; // never answers; the client's timeout must end the call
      case "/slow-body":
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"sendNotification":');
        return; // headers arrive at once, the body never completes
      default:
        return reply(404, "{}");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
});

const checker = new HttpSendConditionChecker({ ...localOutboundPolicy, timeoutMs: 250 });

describe("HttpSendConditionChecker answers", () => {
  it("reads true as send and false as skip, ignoring extra properties", async () => {
    expect(await checker.check(`${base}/yes`)).toEqual({ outcome: "send" });
    expect(await checker.check(`${base}/no`)).toEqual({ outcome: "skip" });
    expect(await checker.check(`${base}/yes-with-extras`)).toEqual({ outcome: "send" });
  });

  it("sends a GET with Accept: application/json", async () => {
    await checker.check(`${base}/yes?order=42`);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "GET",
      url: "/yes?order=42",
      headers: { accept: "application/json", host: `127.0.0.1:${port}` },
    });
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it("carries the bearer token of its token source, as Altinn's Maskinporten client does", async () => {
    const secured = new HttpSendConditionChecker({
      ...localOutboundPolicy,
      timeoutMs: 250,
      bearerToken: async () => "condition-check-token",
    });
    expect(await secured.check(`${base}/yes`)).toEqual({ outcome: "send" });
    expect(seen[0]?.headers.authorization).toBe("Bearer condition-check-token");
  });

  it("calls nothing and reports an error when no token can be had", async () => {
    const broken = new HttpSendConditionChecker({
      ...localOutboundPolicy,
      timeoutMs: 250,
      bearerToken: async () => {
        throw new Error("identity endpoint unavailable");
      },
    });
    expect(await broken.check(`${base}/yes`)).toEqual({
      outcome: "error",
      reason: "no access token: identity endpoint unavailable",
    });
    expect(seen).toHaveLength(0);
  });
});

describe("HttpSendConditionChecker errors", () => {
  it.each([
    ["/server-error", "HTTP 500"],
    ["/not-found", "HTTP 404"],
    ["/not-json", "response is not JSON"],
    ["/empty", "response is not JSON"],
    ["/missing-property", "response has no boolean sendNotification"],
    ["/string-boolean", "response has no boolean sendNotification"],
    ["/null", "response has no boolean sendNotification"],
    ["/huge", "response larger than 16384 bytes"],
    ["/slow-headers", "timed out after 250 ms"],
    ["/slow-body", "timed out after 250 ms"],
  ])("treats %s as an error (%s), never as an answer", async (path, reason) => {
    expect(await checker.check(`${base}${path}`)).toEqual({ outcome: "error", reason });
  });

  it("never puts the response body into the reason", async () => {
    const result = await checker.check(`${base}/server-error`);
    expect(JSON.stringify(result)).not.toContain(secretInBody);
  });

  it("does not follow a redirect", async () => {
    expect(await checker.check(`${base}/redirect`)).toEqual({
      outcome: "error",
      reason: "redirect (HTTP 302) not followed",
    });
    expect(seen.map((request) => request.url)).toEqual(["/redirect"]);
  });

  it("reports a refused connection as a network error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await checker.check(`http://127.0.0.1:${closedPort}/yes`)).toEqual({
      outcome: "error",
      reason: "network error: ECONNREFUSED",
    });
  });

  it("rejects something that is not an absolute URL", async () => {
    expect(await checker.check("/relative/condition")).toEqual({
      outcome: "error",
      reason: "endpoint is not an absolute URL",
    });
  });

  it("counts a DNS lookup that never answers against the timeout", async () => {
    const hanging = new HttpSendConditionChecker({
      ...localOutboundPolicy,
      timeoutMs: 100,
      resolveHost: () => new Promise(() => undefined),
    });
    expect(await hanging.check(`http://condition.test:${port}/yes`)).toEqual({
      outcome: "error",
      reason: "timed out after 100 ms",
    });
  });
});

describe("HttpSendConditionChecker and the outbound guard", () => {
  it("does not call an endpoint the guard refuses (http and loopback when hosted)", async () => {
    const hosted = new HttpSendConditionChecker({ ...hostedOutboundPolicy, timeoutMs: 250 });
    expect(await hosted.check(`${base}/yes`)).toEqual({
      outcome: "error",
      reason: "endpoint refused: scheme http not allowed",
    });
    expect(await hosted.check(`https://localhost:${port}/yes`)).toMatchObject({
      outcome: "error",
      reason: expect.stringMatching(/^endpoint refused: .* is loopback$/),
    });
    expect(seen).toEqual([]);
  });

  it("connects to the address the guard checked, keeping the name in the Host header", async () => {
    // condition.test cannot resolve through system DNS (.test is reserved), so reaching the server proves
    // the socket used the checked address instead of resolving the name again (no DNS-rebinding window).
    const asked: string[] = [];
    const pinned = new HttpSendConditionChecker({
      ...localOutboundPolicy,
      timeoutMs: 1_000,
      resolveHost: async (hostname) => {
        asked.push(hostname);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    expect(await pinned.check(`http://condition.test:${port}/yes`)).toEqual({ outcome: "send" });
    expect(asked).toEqual(["condition.test"]);
    expect(seen[0]?.headers.host).toBe(`condition.test:${port}`);
  });

  it("refuses a name that resolves to a private address, without connecting", async () => {
    const rebinding = new HttpSendConditionChecker({
      ...localOutboundPolicy,
      resolveHost: async () => [
        { address: "127.0.0.1", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ],
    });
    expect(await rebinding.check(`http://condition.test:${port}/yes`)).toEqual({
      outcome: "error",
      reason: "endpoint refused: 10.0.0.7 is private",
    });
    expect(seen).toEqual([]);
  });
});
