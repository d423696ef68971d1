import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { isRecord } from "../../narrowing";

interface ProjectLayout {
  /** Compiled registration files named by package.json `main`, sorted, absolute. */
  registrationFiles: string[];
  /** host.json `extensions.http.routePrefix`; Functions defaults to `api`. */
  routePrefix: string;
  /** host.json `extensions.serviceBus.maxConcurrentCalls`; Functions defaults to 16. */
  maxConcurrentCalls: number;
  /** host.json `extensions.serviceBus.maxMessageBatchSize`; Functions defaults to 1000. */
  maxMessageBatchSize: number;
}

function readJsonObject(path: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!isRecord(parsed) || Array.isArray(parsed)) {
    throw new Error(`${path} does not hold a JSON object`);
  }
  return parsed;
}

function property(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Expands `main` as the Functions host does for the v4 model; a `*` may appear in the file name only. */
function expandMainGlob(projectRoot: string, main: string): string[] {
  const directory = resolve(projectRoot, dirname(main));
  const namePattern = basename(main);
  if (dirname(main).includes("*"))
    throw new Error(`package.json main "${main}": only the file name may hold *`);
  if (!namePattern.includes("*")) return [join(directory, namePattern)];
  const pattern = new RegExp(
    `^${namePattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]*")}$`,
  );
  const files = existsSync(directory) ? readdirSync(directory).filter((name) => pattern.test(name)) : [];
  if (files.length === 0)
    throw new Error(`package.json main "${main}" matches no file; build the project first`);
  return files.sort().map((name) => join(directory, name));
}

export function readProjectLayout(projectRoot: string): ProjectLayout {
  const packageJson = readJsonObject(join(projectRoot, "package.json"));
  if (typeof packageJson.main !== "string") throw new Error(`${projectRoot}/package.json has no "main"`);
  const hostJsonPath = join(projectRoot, "host.json");
  const hostJson = existsSync(hostJsonPath) ? readJsonObject(hostJsonPath) : {};
  const routePrefix = property(hostJson, "extensions", "http", "routePrefix");
  const maxConcurrentCalls = property(hostJson, "extensions", "serviceBus", "maxConcurrentCalls");
  const maxMessageBatchSize = property(hostJson, "extensions", "serviceBus", "maxMessageBatchSize");
  return {
    registrationFiles: expandMainGlob(projectRoot, packageJson.main),
    routePrefix: typeof routePrefix === "string" ? routePrefix : "api",
    maxConcurrentCalls: typeof maxConcurrentCalls === "number" ? maxConcurrentCalls : 16,
    maxMessageBatchSize: typeof maxMessageBatchSize === "number" ? maxMessageBatchSize : 1000,
  };
}
