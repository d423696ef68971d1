/**
 * `npm start` as a child process (`node dist/shared/local/start.js`) on a temporary data folder: an order
 * accepted over HTTP is still there after the process is killed with SIGKILL, or stopped with SIGTERM,
 * and started again.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/localService";
import { startServiceProcess, type ServiceProcess } from "../support/serviceProcess";

const tokenScript = join(projectRoot, "dist", "shared", "local", "token.js");

let dataDir: string;
let token: string;
const children: ServiceProcess[] = [];

/** Starts the service on the test's data folder (free ports for HTTP and the embedded Cosmos). */
async function startService(): Promise<ServiceProcess> {
  const running = await startServiceProcess(dataDir);
  children.push(running);
  return running;
}

async function api(running: ServiceProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${running.apiUrl}/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The README's quick-start order: an email to a person from the sample register. */
function order(idempotencyId: string) {
  return {
    idempotencyId,
    sendersReference: "restart-test",
    recipient: {
      recipientPerson: {
        nationalIdentityNumber: "15838510075",
        channelSchema: "EmailPreferred",
        emailSettings: { subject: "Hello $recipientName$", body: "You have a new message." },
        smsSettings: { body: "You have a new message." },
      },
    },
  };
}

async function placeOrder(running: ServiceProcess, idempotencyId: string): Promise<string> {
  const { status, body } = await api(running, "POST", "future/orders", order(idempotencyId));
  expect(status, JSON.stringify(body)).toBe(201);
  return (body["notification"] as { shipmentId: string }).shipmentId;
}

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [tokenScript, "--org", "991825827"], {
    cwd: projectRoot,
  });
  token = stdout.trim();
});
afterEach(async () => {
  for (const child of children.splice(0)) await child.stop("SIGKILL");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start keeps its data across restarts", () => {
  it("finds an accepted order after SIGKILL and after SIGTERM", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "varsel-start-"));
    const first = await startService();
    expect(first.output()).toContain(`data kept in ${dataDir}`);
    const killed = await placeOrder(first, `restart-kill-${Date.now()}`);
    expect((await first.stop("SIGKILL")).signal).toBe("SIGKILL");

    const second = await startService();
    expect((await api(second, "GET", `future/shipment/${killed}`)).status).toBe(200);
    const stopped = await placeOrder(second, `restart-term-${Date.now()}`);
    expect((await second.stop("SIGTERM")).code).toBe(0);

    const third = await startService();
    expect((await api(third, "GET", `future/shipment/${killed}`)).status).toBe(200);
    expect((await api(third, "GET", `future/shipment/${stopped}`)).status).toBe(200);
  });

  it("answers a replayed idempotencyId with the original receipt after a kill", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "varsel-start-"));
    const idempotencyId = `restart-replay-${Date.now()}`;
    const first = await startService();
    const created = await api(first, "POST", "future/orders", order(idempotencyId));
    await first.stop("SIGKILL");

    const second = await startService();
    const replayed = await api(second, "POST", "future/orders", order(idempotencyId));

    expect(created.status).toBe(201);
    expect(replayed).toEqual({ status: 200, body: created.body });
  });
});
