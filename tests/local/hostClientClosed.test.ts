import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFunctionsHost, type FunctionsHost } from "../../shared/local/host/functionsHost";

/**
 * The local host sees a client's connection close and tells the handler through its client signal
 * (shared/platform/clientConnection.ts); a varsel handler then stops at its next safe point with 499
 * NOT-00002 (tests/http/clientClosed.test.ts). The host logs every answer its client did not wait for.
 */
const fixtureRoot = join(__dirname, "clientClosedFixture");
let host: FunctionsHost;
let port: number;
const lines: string[] = [];

beforeAll(async () => {
  host = await startFunctionsHost({
    projectRoot: fixtureRoot,
    startTimers: false,
    logger: (_level, line) => lines.push(line),
  });
  port = Number(new URL(host.url).port);
});
afterAll(() => host.close());

async function eventually(check: () => boolean, timeoutMs = 4_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not seen in ${timeoutMs} ms; log:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("a client that goes away", () => {
  it("aborts the request's client signal, and the host logs the answer as not delivered", async () => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write("POST /api/wait-for-client HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await eventually(() => lines.some((line) => line.includes("before its answer: 499 not delivered")));
    // Well before the fixture's own 5 s: the signal, not a timeout, ended the wait.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(lines.find((line) => line.includes("not delivered"))).toContain("waitForClient");
  });

  it("leaves the signal alone for a client that reads its answer, request after request on one connection", async () => {
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`http://127.0.0.1:${port}/api/prompt`);
      expect(await response.json()).toEqual({ aborted: false });
    }
  });
});
