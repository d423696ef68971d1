import { z } from "zod";
import {
  registryEntryKeySchemas,
  registryEntryKinds,
  registryEntrySchemas,
  type RegistryData,
  type RegistryEntryKind,
} from "./contactLookup/registryFormat";
import { isRecord } from "../narrowing";

/**
 * The streamed register format (docs/registry-format.md): one JSON value per line, a header first. A
 * snapshot is the whole register for the kinds it covers (whatever it does not list is removed); a delta
 * is the source's changes and deletions in sequence order, as KRR's change feed and the Brønnøysund
 * register's updates deliver them. Each line is checked on its own, so a file of millions of persons is
 * validated and imported in bounded memory. Problems name the line and the rule, never the value.
 */

const source = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be 1-64 lower-case letters, digits or -");
const sequence = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const kinds = z.array(z.enum(registryEntryKinds)).min(1, "must name at least one kind");

const registryHeaderSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    format: z.literal("varsel-registry"),
    version: z.literal(1),
    kind: z.literal("snapshot"),
    source,
    /** The source's change sequence the snapshot reflects: deltas up to it are already in it. */
    sequence: sequence.optional(),
    /** The kinds this snapshot is the whole truth for; stored entries of them it does not list are removed. */
    covers: kinds,
  }),
  z.strictObject({
    format: z.literal("varsel-registry"),
    version: z.literal(1),
    kind: z.literal("delta"),
    source,
  }),
]);
export type RegistryHeader = z.infer<typeof registryHeaderSchema>;

type EntryOf<K extends RegistryEntryKind> = z.output<(typeof registryEntrySchemas)[K]>;
type KeyOf<K extends RegistryEntryKind> = z.output<(typeof registryEntryKeySchemas)[K]>;

export type RegistryChange =
  | {
      [K in RegistryEntryKind]: { op: "upsert"; kind: K; entry: EntryOf<K>; sequence?: number };
    }[RegistryEntryKind]
  | {
      [K in RegistryEntryKind]: { op: "delete"; kind: K; key: KeyOf<K>; sequence: number };
    }[RegistryEntryKind];

type LineResult = { ok: true; change: RegistryChange } | { ok: false; problems: string[] };

// TypeScript cannot tie a kind to its own entry or key type once the kind is a union (microsoft/TypeScript#30581),
// so these two say what the schemas of that kind already checked.
function upsertChange<K extends RegistryEntryKind>(kind: K, entry: EntryOf<K>): RegistryChange {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- see above: entry is kind's output
  return { op: "upsert", kind, entry } as RegistryChange;
}

function deleteChange<K extends RegistryEntryKind>(kind: K, key: KeyOf<K>, sequence: number): RegistryChange {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- see above: key is kind's output
  return { op: "delete", kind, key, sequence } as RegistryChange;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    "",
  );
}

function problemsOf(line: number, error: z.ZodError, prefix: string): string[] {
  return error.issues.map((i) => {
    const at = pathText([...(prefix ? [prefix] : []), ...i.path]);
    return `line ${line}: ${at || "(line)"}: ${i.message}`;
  });
}

/** Parses a line's text; JSON.parse's own message quotes the text, so it is never shown. */
export function parseLineJson(
  text: string,
  line: number,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch {
    return { ok: false, problem: `line ${line}: not valid JSON` };
  }
}

export function parseRegistryHeader(
  value: unknown,
): { ok: true; header: RegistryHeader } | { ok: false; problems: string[] } {
  const parsed = registryHeaderSchema.safeParse(value);
  return parsed.success
    ? { ok: true, header: parsed.data }
    : { ok: false, problems: problemsOf(1, parsed.error, "") };
}

/** The one kind a line names, e.g. `{"person": {...}}`. */
function kindOf(value: Record<string, unknown>): RegistryEntryKind | undefined {
  const named = registryEntryKinds.filter((kind) => kind in value);
  return named.length === 1 ? named[0] : undefined;
}

/** One entry line of a snapshot, or one change line of a delta. */
export function parseRegistryLine(header: RegistryHeader, value: unknown, line: number): LineResult {
  if (!isRecord(value) || Array.isArray(value))
    return { ok: false, problems: [`line ${line}: must be a JSON object`] };
  const record = value;
  if (header.kind === "snapshot") {
    const kind = kindOf(record);
    if (kind === undefined || Object.keys(record).length !== 1)
      return {
        ok: false,
        problems: [`line ${line}: must hold exactly one of ${registryEntryKinds.join(", ")}`],
      };
    if (!header.covers.includes(kind))
      return { ok: false, problems: [`line ${line}: ${kind} is not among the kinds the header covers`] };
    return upsertOf(kind, record[kind], line);
  }
  const seq = sequence.safeParse(record["sequence"]);
  if (!seq.success) return { ok: false, problems: problemsOf(line, seq.error, "sequence") };
  if ("delete" in record) {
    const target = record["delete"];
    const kind = isRecord(target) ? kindOf(target) : undefined;
    if (!isRecord(target) || kind === undefined || Object.keys(record).length !== 2)
      return {
        ok: false,
        problems: [`line ${line}: delete must name exactly one kind, beside sequence only`],
      };
    const key = registryEntryKeySchemas[kind].safeParse(target[kind]);
    if (!key.success) return { ok: false, problems: problemsOf(line, key.error, `delete.${kind}`) };
    return { ok: true, change: deleteChange(kind, key.data, seq.data) };
  }
  const { sequence: _sequence, ...rest } = record;
  const kind = kindOf(rest);
  if (kind === undefined || Object.keys(rest).length !== 1)
    return {
      ok: false,
      problems: [
        `line ${line}: must hold sequence and exactly one of ${registryEntryKinds.join(", ")} or delete`,
      ],
    };
  const result = upsertOf(kind, rest[kind], line);
  return result.ok ? { ok: true, change: { ...result.change, sequence: seq.data } } : result;
}

function upsertOf(kind: RegistryEntryKind, raw: unknown, line: number): LineResult {
  const entry = registryEntrySchemas[kind].safeParse(raw);
  if (!entry.success) return { ok: false, problems: problemsOf(line, entry.error, kind) };
  return { ok: true, change: upsertChange(kind, entry.data) };
}

/** The kinds a whole-file register copy (the JSON object format) is the truth for, and its entries. */
export function snapshotOfRegistryData(data: RegistryData): {
  covers: RegistryEntryKind[];
  changes: RegistryChange[];
} {
  const lists: Array<[RegistryEntryKind, readonly EntryOf<RegistryEntryKind>[] | undefined]> = [
    ["person", data.persons],
    ["organization", data.organizations],
    ["userContactPoint", data.userContactPoints],
    ["selfIdentifiedUser", data.selfIdentifiedUsers],
    ["roleAssignment", data.roleAssignments],
    ["resourcePolicy", data.resourcePolicies],
  ];
  const covers = lists.filter(([, list]) => list !== undefined).map(([kind]) => kind);
  const changes = lists.flatMap(([kind, list]) => (list ?? []).map((entry) => upsertChange(kind, entry)));
  return { covers, changes };
}
