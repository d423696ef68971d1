/**
 * `npm start` as a child process (`node dist/shared/local/start.js`) on a temporary data folder: an order
 * accepted over HTTP is still there after the process is killed with SIGKILL, or stopped with SIGTERM,
 * and started again.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/localService";

const startScript = join(projectRoot, "dist", "shared", "local", "start.js");
const tokenScript = join(projectRoot, "dist", "shared", "local", "token.js");

interface Running {
  child: ChildProcess;
  apiUrl: string;
  output: string;
}

let dataDir: string;
let token: string;
const children: ChildProcess[] = [];

/**
 * Settings a developer's local.settings.json might hold that would point the child elsewhere; an empty
 * value wins over the file and means "not set", so the child uses its own embedded services.
 */
const neutralised = [
  "COSMOS_ENDPOINT",
  "COSMOS_KEY",
  "ACS_EMAIL_ENDPOINT",
  "ACS_EMAIL_ACCESS_KEY",
  "LINK_GATEWAY_URL",
  "LINK_USERNAME",
  "LINK_PASSWORD",
  "LINK_REPORT_USERNAME",
  "LINK_REPORT_PASSWORD",
  "AUTH_ISSUER",
  "AUTH_AUDIENCE",
  "AUTH_JWKS_URI",
  "LOCAL_CLOCK_FIXED",
  "LOCAL_CLOCK_OFFSET_SECONDS",
];

/** Starts the service and resolves on its ready line (free ports for HTTP and the embedded Cosmos). */
function startService(): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    LOCAL_COSMOS_PORT: "0",
    LOCAL_DATA_DIR: dataDir,
  };
  for (const key of neutralised) env[key] = "";
  delete env["LOCAL_PERSIST"];
  const child = spawn(process.execPath, [startScript], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const ready = /varsel is ready on (\S+)/.exec(output);
      if (ready) resolve({ child, apiUrl: ready[1]!, output });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code, signal) =>
      reject(new Error(`exited (${code ?? signal}) before ready:\n${output}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

async function api(running: Running, method: string, path: string, body?: unknown) {
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

async function placeOrder(running: Running, idempotencyId: string): Promise<string> {
  const { status, body } = await api(running, "POST", "future/orders", order(idempotencyId));
  expect(status, JSON.stringify(body)).toBe(201);
  return (body["notification"] as { shipmentId: string }).shipmentId;
}

beforeAll(async () => {
  if (!existsSync(startScript)) throw new Error("dist/ is missing: run `npm run build` first");
  const { stdout } = await promisify(execFile)(process.execPath, [tokenScript, "--org", "991825827"], {
    cwd: projectRoot,
  });
  token = stdout.trim();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill("SIGKILL");
    await exited(child);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start keeps its data across restarts", () => {
  it("finds an accepted order after SIGKILL and after SIGTERM", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "varsel-start-"));
    const first = await startService();
    expect(first.output).toContain(`data kept in ${dataDir}`);
    const killed = await placeOrder(first, `restart-kill-${Date.now()}`);
    first.child.kill("SIGKILL");
    expect((await exited(first.child)).signal).toBe("SIGKILL");

    const second = await startService();
    expect((await api(second, "GET", `future/shipment/${killed}`)).status).toBe(200);
    const stopped = await placeOrder(second, `restart-term-${Date.now()}`);
    second.child.kill("SIGTERM");
    expect((await exited(second.child)).code).toBe(0);

    const third = await startService();
    expect((await api(third, "GET", `future/shipment/${killed}`)).status).toBe(200);
    expect((await api(third, "GET", `future/shipment/${stopped}`)).status).toBe(200);
  });

  it("answers a replayed idempotencyId with the original receipt after a kill", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "varsel-start-"));
    const idempotencyId = `restart-replay-${Date.now()}`;
    const first = await startService();
    const created = await api(first, "POST", "future/orders", order(idempotencyId));
    first.child.kill("SIGKILL");
    await exited(first.child);

    const second = await startService();
    const replayed = await api(second, "POST", "future/orders", order(idempotencyId));

    expect(created.status).toBe(201);
    expect(replayed).toEqual({ status: 200, body: created.body });
  });
});
