import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { SettingsError } from "../../config/settings";
import { errorCode } from "../../narrowing";
import { LocalDataError } from "./ndjsonFile";

/**
 * Where `npm start` keeps the embedded Cosmos store and the outbox: `LOCAL_DATA_DIR` (relative paths are
 * taken from the project root), by default `<projectRoot>/.varsel`; `undefined` when `LOCAL_PERSIST=false`
 * asks for memory only.
 */
export function localDataDir(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const persist = (env["LOCAL_PERSIST"] ?? "").trim().toLowerCase();
  if (persist === "false") return undefined;
  if (persist !== "" && persist !== "true") {
    throw new SettingsError([`LOCAL_PERSIST must be "true" or "false" (got "${env["LOCAL_PERSIST"]}")`]);
  }
  const dir = (env["LOCAL_DATA_DIR"] ?? "").trim() || ".varsel";
  return isAbsolute(dir) ? dir : resolve(projectRoot, dir);
}

/** Lock files this process holds; a lock naming our own pid but not in here was left by an earlier process. */
const held = new Set<string>();

function isRunning(pid: number, path: string): boolean {
  // In a container every start may get the same pid, so our own pid alone proves nothing.
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === "EPERM";
  }
}

/**
 * Claims `dir` for this process with a lock file holding its pid, so that two local services never write
 * the same journal. A lock left by a killed process (its pid no longer runs) is taken over.
 * Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "lock");
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.add(path);
      break;
    } catch (error) {
      if (errorCode(error) !== "EEXIST" || attempt > 0) throw error;
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(path, "utf8"), 10);
      } catch {
        // vanished or unreadable: treat as stale
      }
      if (Number.isInteger(owner) && isRunning(owner, path)) {
        throw new LocalDataError(
          `${dir} is in use by process ${owner} (another local varsel?); stop it, or set LOCAL_DATA_DIR elsewhere`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  return () => {
    held.delete(path);
    rmSync(path, { force: true });
  };
}
