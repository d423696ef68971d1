import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Loads `local.settings.json` Values into the environment, as `func start` does, so the same file configures
 * both local hosts. Variables already set in the environment win.
 */
export function loadLocalSettings(projectRoot: string, env: NodeJS.ProcessEnv = process.env): void {
  const path = join(projectRoot, "local.settings.json");
  if (!existsSync(path)) return;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { Values?: Record<string, unknown> };
  for (const [key, value] of Object.entries(parsed.Values ?? {})) {
    if (env[key] === undefined && typeof value === "string") env[key] = value;
  }
}
