import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { createCosmosClient } from "../adapters/cosmos/client";
import { upsertRegistryDocuments, type RegistryImportCounts } from "../adapters/cosmos/cosmosContactRegistry";
import { validateRegistryData } from "../domain/contactLookupRegistryFormat";
import { isAppError } from "../errors";
import { containers } from "../platform/resources";
import { embeddedCosmosKey } from "./embeddedCosmos";
import { loadLocalSettings } from "./localSettings";

/**
 * `npm run registry:import -- FILE`: loads a contact register copy (docs/registry-format.md) into the
 * `registry` container of the store the service uses. Prints counts and problems only, never the national
 * identity numbers, phone numbers or emails in the file.
 */

/** Where `npm start` runs its embedded Cosmos DB server, and the key it accepts. */
export const localCosmosEndpoint = "http://127.0.0.1:8081";
export const localCosmosKey = embeddedCosmosKey;

export interface RegistryImportTarget {
  endpoint: string;
  /** Absent: Entra ID (DefaultAzureCredential). */
  key?: string;
  database: string;
}

export interface ImportOutput {
  info(line: string): void;
  error(line: string): void;
}

/** The same settings as the service (COSMOS_ENDPOINT, COSMOS_KEY, COSMOS_DATABASE); no endpoint means local. */
export function importTargetFrom(env: Record<string, string | undefined>): RegistryImportTarget {
  const database = env["COSMOS_DATABASE"] || "varsel";
  const endpoint = env["COSMOS_ENDPOINT"];
  if (!endpoint) return { endpoint: localCosmosEndpoint, key: env["COSMOS_KEY"] || localCosmosKey, database };
  const url = z.url({ protocol: /^https?$/ }).safeParse(endpoint);
  if (!url.success) throw new Error("COSMOS_ENDPOINT must be an http(s) URL");
  return { endpoint, key: env["COSMOS_KEY"] || undefined, database };
}

function describeCounts(counts: RegistryImportCounts): string {
  return [
    `${counts.persons} persons`,
    `${counts.organizations} organizations`,
    `${counts.userContactPoints} user contact points`,
    `${counts.selfIdentifiedUsers} self-identified users`,
  ].join(", ");
}

async function readInput(file: string, out: ImportOutput): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    out.error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message quotes the text around the error, which may be personal data.
    out.error(`${file} is not valid JSON`);
    return undefined;
  }
}

/** Upserts into the target; failures are reported by kind only (SDK messages can echo document ids). */
async function upsertInto(target: RegistryImportTarget, data: unknown, out: ImportOutput): Promise<number> {
  const client = createCosmosClient(target);
  try {
    const container = client.database(target.database).container(containers.registry.name);
    const counts = await upsertRegistryDocuments(container, data);
    out.info(`imported into ${target.database}/${containers.registry.name}: ${describeCounts(counts)}`);
    return 0;
  } catch (error) {
    out.error(`import failed: ${isAppError(error) ? error.message : "unexpected error"}`);
    if (isAppError(error, "not-found")) out.error(`does database ${target.database} exist?`);
    if (isAppError(error, "transient") && target.endpoint === localCosmosEndpoint)
      out.error("is the local service running (npm start)?");
    return 1;
  } finally {
    client.dispose();
  }
}

/** The CLI minus process handling: returns the exit code. */
export async function runRegistryImport(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: ImportOutput,
): Promise<number> {
  if (args.length !== 1 || !args[0]) {
    out.error("usage: npm run registry:import -- FILE   (format: docs/registry-format.md)");
    return 2;
  }
  const file = args[0];
  let target: RegistryImportTarget;
  try {
    target = importTargetFrom(env);
  } catch (error) {
    out.error((error as Error).message);
    return 2;
  }
  const input = await readInput(file, out);
  if (input === undefined) return 1;
  const validation = validateRegistryData(input);
  if (!validation.success) {
    out.error(`${file}: ${validation.problems.length} problem(s)`);
    for (const problem of validation.problems) out.error(`  - ${problem}`);
    return 1;
  }
  return upsertInto(target, validation.data, out);
}

async function main(): Promise<void> {
  loadLocalSettings(join(__dirname, "..", "..", ".."));
  const code = await runRegistryImport(process.argv.slice(2), process.env, {
    info: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) void main();
