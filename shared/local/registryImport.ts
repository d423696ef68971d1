import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { createCosmosClient } from "../adapters/cosmos/client";
import { importRegistryChanges, type RegistryImportSummary } from "../adapters/cosmos/cosmosRegistryImport";
import type { RegistryEntryKind } from "../domain/contactLookup/registryFormat";
import type { RegistryHeader } from "../domain/registryStream";
import { isAppError } from "../errors";
import { containers } from "../platform/resources";
import { errorCode, errorMessage, knownKeys } from "../narrowing";
import { embeddedCosmosKey } from "./embeddedCosmos";
import { loadLocalSettings } from "./localSettings";
import { readRegistryFile, type RegistryFile } from "./registryFile";

/**
 * `npm run registry:import -- FILE`: applies a register snapshot or delta (docs/registry-format.md) to the
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

const kindNames: Record<RegistryEntryKind, string> = {
  person: "persons",
  organization: "organizations",
  userContactPoint: "user contact points",
  selfIdentifiedUser: "self-identified users",
  roleAssignment: "role assignments",
  resourcePolicy: "resource policies",
};

function describeCounts(counts: Partial<Record<RegistryEntryKind, number>>): string {
  const parts = knownKeys(kindNames).flatMap((kind) =>
    counts[kind] === undefined ? [] : [`${counts[kind]} ${kindNames[kind]}`],
  );
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

function describeSummary(header: RegistryHeader, summary: RegistryImportSummary): string {
  const what = header.kind === "snapshot" ? `snapshot of ${header.source}` : `delta of ${header.source}`;
  const parts = [`wrote ${describeCounts(summary.upserted)}`, `removed ${describeCounts(summary.deleted)}`];
  if (summary.alreadyApplied > 0) parts.push(`${summary.alreadyApplied} change(s) applied before`);
  return `${what}: ${parts.join("; ")}`;
}

/** Imports into the target; failures are reported by kind only (SDK messages can echo document ids). */
async function importInto(
  target: RegistryImportTarget,
  file: Extract<RegistryFile, { ok: true }>,
  out: ImportOutput,
): Promise<number> {
  const client = createCosmosClient(target);
  try {
    const container = client.database(target.database).container(containers.registry.name);
    const summary = await importRegistryChanges(container, file.header, file.changes());
    out.info(
      `imported into ${target.database}/${containers.registry.name}: ${describeSummary(file.header, summary)}`,
    );
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
    out.error(errorMessage(error));
    return 2;
  }
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    out.error(`cannot read ${file} (${errorCode(error) ?? "error"})`);
    return 1;
  }
  const read = await readRegistryFile(file);
  if (!read.ok) {
    if (read.problems.length === 1 && read.problems[0] === "not valid JSON") {
      out.error(`${file} is not valid JSON`);
      return 1;
    }
    out.error(`${file}: ${read.total} problem(s)`);
    for (const problem of read.problems) out.error(`  - ${problem}`);
    if (read.total > read.problems.length) out.error(`  … and ${read.total - read.problems.length} more`);
    return 1;
  }
  return importInto(target, read, out);
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
