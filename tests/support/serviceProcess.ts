/**
 * `npm start` as a child process (`node dist/shared/local/start.js`) on a data folder of the test's choosing,
 * on free ports, for tests that kill it and start it again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./localService";

export const startScript = join(projectRoot, "dist", "shared", "local", "start.js");

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
  "LOCAL_BLOB_ENDPOINT",
  "LOCAL_CLOCK_OFFSET_SECONDS",
  "SWEEP_SCHEDULE",
  "TERMINATE_SCHEDULE",
];

/** How much of the child's output is kept for failure messages. */
const keptOutputChars = 64 * 1024;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>/notifications/api/v1`. */
  apiUrl: string;
  /** The last 64 KiB the process wrote (stdout and stderr together). */
  output(): string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<Exit>;
  /** Sends the signal and resolves when the process has exited. */
  stop(signal: NodeJS.Signals): Promise<Exit>;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/**
 * Starts the service on `dataDir` with free HTTP, Cosmos and blob ports and resolves on its ready line. `env` adds
 * settings (say `LOCAL_CLOCK_FIXED`); the output is drained all along, so a chatty child never blocks.
 */
export function startServiceProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  if (!existsSync(startScript)) throw new Error("dist/ is missing: run `npm run build` first");
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of neutralised) childEnv[key] = "";
  delete childEnv["LOCAL_PERSIST"];
  Object.assign(
    childEnv,
    { PORT: "0", LOCAL_COSMOS_PORT: "0", LOCAL_BLOB_PORT: "0", LOCAL_DATA_DIR: dataDir },
    env,
  );
  const child = spawn(process.execPath, [startScript], {
    cwd: projectRoot,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let ready: string | undefined;
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (ready === undefined) {
        ready = /varsel is ready on (\S+)/.exec(output)?.[1];
        if (ready !== undefined) {
          resolve({
            child,
            apiUrl: ready,
            output: () => output,
            exited: () => exitOf(child),
            stop: (signal) => {
              child.kill(signal);
              return exitOf(child);
            },
          });
        }
      }
      if (output.length > 2 * keptOutputChars) output = output.slice(-keptOutputChars);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", (code, signal) => {
      if (ready === undefined) reject(new Error(`exited (${code ?? signal}) before ready:\n${output}`));
    });
  });
}
