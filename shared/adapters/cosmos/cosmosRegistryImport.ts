import { randomUUID } from "node:crypto";
import type { Container, ItemDefinition } from "@azure/cosmos";
import { z } from "zod";
import type { RegistryEntryKind } from "../../domain/contactLookup/registryFormat";
import type { RegistryChange, RegistryHeader } from "../../domain/registryStream";
import { AppError } from "../../errors";
import { chunksOf } from "../../chunks";
import { mapInParallel } from "../../concurrency";
import { runBulk } from "./bulk";
import { registryDocumentLocation, registryDocumentOf } from "./cosmosContactRegistry";
import { isCosmosStatus, mapCosmosError } from "./errors";

/**
 * Applies a register snapshot or delta (domain/registryStream.ts) to the `registry` container in bounded
 * memory: changes are written a few hundred at a time through bulk requests. A snapshot marks every
 * document it writes with its run, then removes the documents of the kinds it covers that it did not write.
 * Each source keeps a checkpoint of the last change applied, so a delta applied twice changes nothing and a
 * snapshot older than an applied change is refused. Snapshots and deltas of one source run one at a time.
 */

export interface RegistryImportSummary {
  upserted: Partial<Record<RegistryEntryKind, number>>;
  deleted: Partial<Record<RegistryEntryKind, number>>;
  /** Delta changes at or below the checkpoint: applied before. */
  alreadyApplied: number;
}

const checkpointSchema = z.object({ lastSequence: z.number().int().optional() });
const checkpointId = (source: string) => `import:${source}`;

/** Documents per flush, written by parallel bulk requests of 100. */
const flushSize = 800;
const parallelRequests = 8;
/** Stale documents read per sweep query before they are deleted. */
const sweepPage = 500;

function count(counts: Partial<Record<RegistryEntryKind, number>>, kind: RegistryEntryKind, by = 1) {
  counts[kind] = (counts[kind] ?? 0) + by;
}

async function readCheckpoint(container: Container, source: string): Promise<number | undefined> {
  const id = checkpointId(source);
  try {
    const { resource } = await container.item(id, id).read<ItemDefinition>();
    return resource === undefined ? undefined : checkpointSchema.parse(resource).lastSequence;
  } catch (error) {
    throw mapCosmosError(error, "registry import: read checkpoint");
  }
}

async function writeCheckpoint(
  container: Container,
  source: string,
  lastSequence: number | undefined,
  run: string,
) {
  const id = checkpointId(source);
  try {
    await container.items.upsert({
      id,
      pk: id,
      type: "importCheckpoint",
      source,
      lastSequence,
      lastRun: run,
    });
  } catch (error) {
    throw mapCosmosError(error, "registry import: write checkpoint");
  }
}

async function deleteDocument(container: Container, id: string, pk: string): Promise<boolean> {
  try {
    await container.item(id, pk).delete();
    return true;
  } catch (error) {
    if (isCosmosStatus(error, 404)) return false;
    throw mapCosmosError(error, "registry import: delete");
  }
}

class ChangeWriter {
  private pending: RegistryChange[] = [];
  private readonly ids = new Set<string>();

  constructor(
    private readonly container: Container,
    private readonly run: string,
    private readonly summary: RegistryImportSummary,
  ) {}

  /** Buffers a change; a second change to a document already buffered flushes first, keeping their order. */
  async add(change: RegistryChange): Promise<void> {
    const { id } = this.location(change);
    if (this.ids.has(id) || this.pending.length >= flushSize) await this.flush();
    this.pending.push(change);
    this.ids.add(id);
  }

  async flush(): Promise<void> {
    const changes = this.pending;
    this.pending = [];
    this.ids.clear();
    const upserts = changes.filter((c) => c.op === "upsert");
    await mapInParallel(chunksOf(upserts, 100), parallelRequests, (chunk) =>
      runBulk(
        this.container,
        chunk.map((change) => ({ kind: "upsert" as const, body: this.documentOf(change) })),
        "registry import: upsert",
      ),
    );
    for (const change of upserts) count(this.summary.upserted, change.kind);
    const deletes = changes.filter((c) => c.op === "delete");
    const deleted = await mapInParallel(deletes, parallelRequests * 4, (change) => {
      const { id, pk } = this.location(change);
      return deleteDocument(this.container, id, pk);
    });
    deletes.forEach((change, index) => {
      if (deleted[index]) count(this.summary.deleted, change.kind);
    });
  }

  private location(change: RegistryChange): { id: string; pk: string } {
    // Each branch pairs a kind with its own entry or key type; the lookup table cannot show TypeScript that.
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- see above
    const locate = registryDocumentLocation[change.kind] as (key: object) => { id: string; pk: string };
    return locate(change.op === "upsert" ? change.entry : change.key);
  }

  private documentOf(change: RegistryChange): object {
    if (change.op !== "upsert") throw new AppError("permanent", "registry import: not an upsert");
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- as in location(): kind and entry pair up
    const write = registryDocumentOf as (kind: RegistryEntryKind, entry: object) => object;
    const sequence = change.sequence === undefined ? {} : { sequence: change.sequence };
    return { ...write(change.kind, change.entry), importRun: this.run, ...sequence };
  }
}

/** Removes the documents of the covered kinds that this snapshot run did not write. */
async function sweep(
  container: Container,
  covers: RegistryEntryKind[],
  run: string,
  summary: RegistryImportSummary,
): Promise<void> {
  for (;;) {
    let stale: Array<{ id: string; pk: string; type: RegistryEntryKind }>;
    try {
      ({ resources: stale } = await container.items
        .query<{ id: string; pk: string; type: RegistryEntryKind }>({
          query:
            "SELECT TOP @limit c.id, c.pk, c.type FROM c WHERE ARRAY_CONTAINS(@kinds, c.type) AND (NOT IS_DEFINED(c.importRun) OR c.importRun != @run)",
          parameters: [
            { name: "@limit", value: sweepPage },
            { name: "@kinds", value: covers },
            { name: "@run", value: run },
          ],
        })
        .fetchAll());
    } catch (error) {
      throw mapCosmosError(error, "registry import: find removed entries");
    }
    if (stale.length === 0) return;
    const deleted = await mapInParallel(stale, parallelRequests * 4, (d) =>
      deleteDocument(container, d.id, d.pk),
    );
    stale.forEach((d, index) => {
      if (deleted[index]) count(summary.deleted, d.type);
    });
  }
}

/** Applies the changes of one snapshot or delta (already validated) and advances the source's checkpoint. */
export async function importRegistryChanges(
  container: Container,
  header: RegistryHeader,
  changes: AsyncIterable<RegistryChange> | Iterable<RegistryChange>,
): Promise<RegistryImportSummary> {
  const summary: RegistryImportSummary = { upserted: {}, deleted: {}, alreadyApplied: 0 };
  const run = `${header.source}:${new Date().toISOString()}:${randomUUID().slice(0, 8)}`;
  const checkpoint = await readCheckpoint(container, header.source);
  if (header.kind === "snapshot" && header.sequence !== undefined && (checkpoint ?? -1) > header.sequence)
    throw new AppError(
      "permanent",
      `registry import: the snapshot reflects change ${header.sequence}, older than change ${checkpoint} already applied from ${header.source}`,
    );
  const writer = new ChangeWriter(container, run, summary);
  let last = header.kind === "snapshot" ? header.sequence : checkpoint;
  for await (const change of changes) {
    if (header.kind === "delta" && change.sequence !== undefined) {
      if (checkpoint !== undefined && change.sequence <= checkpoint) {
        summary.alreadyApplied += 1;
        continue;
      }
      last = change.sequence;
    }
    await writer.add(change);
  }
  await writer.flush();
  if (header.kind === "snapshot") await sweep(container, header.covers, run, summary);
  await writeCheckpoint(container, header.source, last, run);
  return summary;
}
