import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { validateRegistryData } from "../domain/contactLookup/registryFormat";
import { parseJson } from "../narrowing";
import {
  parseLineJson,
  parseRegistryHeader,
  parseRegistryLine,
  snapshotOfRegistryData,
  type RegistryChange,
  type RegistryHeader,
} from "../domain/registryStream";

/**
 * A register file as `npm run registry:import` reads it (docs/registry-format.md): the whole-file JSON object
 * (a snapshot of the lists it holds), or the streamed format, a header line then one entry or change per
 * line. The streamed file is read twice: once to validate every line, once to import, each a line at a time,
 * so memory does not grow with the file.
 */

/** Listing more problems than this helps nobody; the count is still given. */
const maxListedProblems = 200;

export type RegistryFile =
  | {
      ok: true;
      header: RegistryHeader;
      changes: () => AsyncIterable<RegistryChange> | Iterable<RegistryChange>;
    }
  | { ok: false; problems: string[]; total: number };

async function firstLine(file: string): Promise<string> {
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
  }
}

async function* numberedLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (line === 1 || text.trim() === "") continue;
    yield { text, line };
  }
}

/** Every change of a validated streamed file, read again line by line. */
async function* streamedChanges(file: string, header: RegistryHeader): AsyncGenerator<RegistryChange> {
  for await (const { text, line } of numberedLines(file)) {
    const json = parseLineJson(text, line);
    const parsed = json.ok ? parseRegistryLine(header, json.value, line) : undefined;
    if (parsed?.ok) yield parsed.change;
  }
}

async function validateStream(
  file: string,
  header: RegistryHeader,
): Promise<{ problems: string[]; total: number }> {
  const problems: string[] = [];
  let total = 0;
  let previous = -1;
  const report = (problem: string) => {
    total += 1;
    if (problems.length < maxListedProblems) problems.push(problem);
  };
  for await (const { text, line } of numberedLines(file)) {
    const json = parseLineJson(text, line);
    if (!json.ok) {
      report(json.problem);
      continue;
    }
    const parsed = parseRegistryLine(header, json.value, line);
    if (!parsed.ok) {
      parsed.problems.forEach(report);
      continue;
    }
    const sequence = parsed.change.sequence;
    if (sequence !== undefined) {
      if (sequence <= previous) report(`line ${line}: sequence must be higher than the line before`);
      previous = sequence;
    }
  }
  return { problems, total };
}

/** Reads and validates a register file; nothing is imported unless every line is valid. */
export async function readRegistryFile(file: string): Promise<RegistryFile> {
  const first = parseLineJson(await firstLine(file), 1);
  const isStreamed =
    first.ok && typeof first.value === "object" && first.value !== null && "format" in first.value;
  if (first.ok && isStreamed) {
    const header = parseRegistryHeader(first.value);
    if (!header.ok) return { ok: false, problems: header.problems, total: header.problems.length };
    const { problems, total } = await validateStream(file, header.header);
    if (total > 0) return { ok: false, problems, total };
    return { ok: true, header: header.header, changes: () => streamedChanges(file, header.header) };
  }
  let input: unknown;
  try {
    input = parseJson(await readFile(file, "utf8"));
  } catch {
    // JSON.parse's message quotes the text around the error, which may be personal data.
    return { ok: false, problems: ["not valid JSON"], total: 1 };
  }
  const validation = validateRegistryData(input);
  if (!validation.success)
    return { ok: false, problems: validation.problems, total: validation.problems.length };
  const { covers, changes } = snapshotOfRegistryData(validation.data);
  return {
    ok: true,
    header: { format: "varsel-registry", version: 1, kind: "snapshot", source: "file", covers },
    changes: () => changes,
  };
}
