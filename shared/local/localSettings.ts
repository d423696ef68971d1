import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isRecord, parseJson } from "../narrowing";

/**
 * Loads `local.settings.json` Values into the environment, as `func start` does, so the same file configures
 * both local hosts. Variables already set in the environment win.
 */
export function loadLocalSettings(projectRoot: string, env: NodeJS.ProcessEnv = process.env): void {
  const path = join(projectRoot, "local.settings.json");
  if (!existsSync(path)) return;
  const parsed = parseJson(readFileSync(path, "utf8"));
  const values = isRecord(parsed) && isRecord(parsed["Values"]) ? parsed["Values"] : {};
  for (const [key, value] of Object.entries(values)) {
    if (env[key] === undefined && typeof value === "string") env[key] = value;
  }
}
