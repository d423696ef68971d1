import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AdmissionGate } from "../../shared/local/host/admission";
import { startFunctionsHost, type FunctionsHost } from "../../shared/local/host/functionsHost";

const fixtureRoot = join(__dirname, "hostLimitsFixture");
let host: FunctionsHost;
let port: number;

beforeAll(async () => {
  host = await startFunctionsHost({
    projectRoot: fixtureRoot,
    startTimers: false,
    logger: () => {},
    headersTimeoutMs: 500,
    requestTimeoutMs: 1_000,
    admission: { maxActive: 4, maxWaiting: 8, maxWaitMs: 1_500 },
  });
  port = Number(new URL(host.url).port);
});
afterAll(() => host.close());

/** Opens a raw connection, writes `parts` with `gapMs` between them, and resolves with all the server sent. */
function rawExchange(parts: string[], gapMs: number): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve({ text, closedAfterMs: Date.now() - started }));
    let at = 0;
    const writeNext = () => {
      if (socket.destroyed || at >= parts.length) return;
      socket.write(parts[at++]!);
      setTimeout(writeNext, gapMs);
    };
    writeNext();
  });
}

function get(
  path: string,
  agent?: Agent,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("request time limits", () => {
  it("answers a client that sends its headers too slowly with a 408 problem and closes the connection", async () => {
    const slowHead = ["GET /api/slow HTTP/1.1\r\n", "Host: x\r\n", "X-A: 1\r\n", "X-B: 2\r\n", "\r\n"];
    const { text, closedAfterMs } = await rawExchange(slowHead, 400);
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(text).toContain("content-type: application/problem+json");
    expect(text).toContain('"status":408');
    expect(closedAfterMs).toBeLessThan(3_000);
  });

  it("answers a client that sends its body too slowly with 408 within the request time limit", async () => {
    const head =
      "POST /api/slow HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n";
    const { text, closedAfterMs } = await rawExchange([head, ..."x".repeat(20).split("")], 200);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(3_000);
  });

  it("does not count the handler's own time: a request received in time is answered however long it runs", async () => {
    const response = await get("/api/slow?ms=1800");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ waited: 1800, received: 0 });
  });

  it("keeps an idle kept-alive connection past the headers timeout, and serves the next request on it", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get("/api/slow", agent);
    expect(first.headers["keep-alive"]).toBe("timeout=65");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = await get("/api/slow", agent);
    expect(second.status).toBe(200);
    agent.destroy();
  });

  it("answers a malformed request line with a 400 problem", async () => {
    const { text } = await rawExchange(["GARBAGE\r\n\r\n"], 0);
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('"status":400');
  });

  it("answers headers over Node's 16 KiB limit with a 431 problem", async () => {
    const { text } = await rawExchange(
      [`GET /api/slow HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`],
      0,
    );
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe("concurrent requests", () => {
  it("runs at most maxActive invocations, queues the rest, and answers 503 with Retry-After only past the queue", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    // 4 run and 8 wait; the other 8 are turned away at once. Each takes 300 ms, so the queue drains in time.
    const responses = await Promise.all(Array.from({ length: 20 }, () => get("/api/slow?ms=300", agent)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.filter((s) => s === 503)).toHaveLength(8);
    const refused = responses.find((r) => r.status === 503)!;
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.headers["content-type"]).toBe("application/problem+json");
    agent.destroy();
  });

  it("keeps a line per function: one function's full queue does not hold up another", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    // 4 run and 8 wait on `slow`; `quick`, sent after them, is answered before any of them.
    const answered: string[] = [];
    const flood = Array.from({ length: 12 }, () =>
      get("/api/slow?ms=600", agent).then((r) => answered.push(`slow ${r.status}`)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const quick = await get("/api/quick", agent);
    answered.push(`quick ${quick.status}`);
    await Promise.all(flood);
    expect(answered[0]).toBe("quick 200");
    expect(answered.filter((a) => a === "slow 200")).toHaveLength(12);
    agent.destroy();
  });

  it("turns a request away with 503 once it has waited maxWaitMs", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    const responses = await Promise.all(Array.from({ length: 8 }, () => get("/api/slow?ms=2000", agent)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 503, 503, 503, 503]);
    agent.destroy();
  });

  it("answers 300 simultaneous connections, none reset", async () => {
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, () =>
        get("/api/slow?ms=5", agent).then(
          (r) => String(r.status),
          (error: NodeJS.ErrnoException) => error.code ?? "error",
        ),
      ),
    );
    expect(outcomes.filter((o) => o !== "200" && o !== "503")).toEqual([]);
    agent.destroy();
  });
});

describe("AdmissionGate", () => {
  it("admits in arrival order as places free up", async () => {
    const gate = new AdmissionGate({ maxActive: 1, maxWaiting: 2, maxWaitMs: 10_000 });
    const order: number[] = [];
    expect(await gate.enter()).toBe(true);
    const second = gate.enter().then((ok) => ok && order.push(2));
    const third = gate.enter().then((ok) => ok && order.push(3));
    expect(await gate.enter()).toBe(false);
    expect(gate.stats()).toEqual({ active: 1, waiting: 2 });
    gate.leave();
    await second;
    gate.leave();
    await third;
    gate.leave();
    expect(order).toEqual([2, 3]);
    expect(gate.stats()).toEqual({ active: 0, waiting: 0 });
  });
  it("keeps a waiter without a wait limit waiting however long the place stays taken", async () => {
    vi.useFakeTimers();
    try {
      const gate = new AdmissionGate({ maxActive: 1, maxWaiting: Infinity, maxWaitMs: Infinity });
      expect(await gate.enter()).toBe(true);
      let admitted: boolean | undefined;
      const waiting = gate.enter().then((ok) => (admitted = ok));
      await vi.advanceTimersByTimeAsync(24 * 3_600_000);
      expect(admitted).toBeUndefined();
      gate.leave();
      await waiting;
      expect(admitted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
