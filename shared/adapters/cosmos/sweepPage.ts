import type { Container } from "@azure/cosmos";
import type { z } from "zod";
import type { SweepPage, UnreadableDocument } from "../../ports/sweepPage";
import { retentionKept } from "../../domain/retention";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { isRecord } from "../../narrowing";

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`).join("; ");
}

/** Parses each document on its own, so one that fails its schema is reported instead of failing the page. */
export function sweepPageOf<T>(
  resources: unknown[],
  schema: z.ZodType<T>,
  partitionKeyOf: (raw: Record<string, unknown>) => unknown,
): SweepPage<T> {
  const page: SweepPage<T> = { documents: [], unreadable: [] };
  for (const resource of resources) {
    const parsed = schema.safeParse(resource);
    if (parsed.success) {
      page.documents.push(parsed.data);
      continue;
    }
    const raw = isRecord(resource) ? resource : {};
    page.unreadable.push({
      id: String(raw["id"]),
      partitionKey: String(partitionKeyOf(raw)),
      problem: describe(parsed.error),
    });
  }
  return page;
}

/**
 * Marks a document as set aside; every sweep query skips documents with `quarantine`. The patch is a write,
 * from which Cosmos counts `ttl` again: it also sets the seconds left until the document's `retainUntil`, so
 * a quarantined document (personal data it may hold included) is still deleted when it would have been.
 */
export async function quarantineDocument(
  container: Container,
  document: Pick<UnreadableDocument, "id" | "partitionKey">,
  problem: string,
  at: Date,
): Promise<void> {
  const item = container.item(document.id, document.partitionKey);
  const quarantine = { op: "set" as const, path: "/quarantine", value: { problem, at: at.toISOString() } };
  try {
    const { resource } = await item.read<Record<string, unknown>>();
    const kept = resource ? retentionKept(resource, at) : {};
    const etag = resource?.["_etag"];
    if (kept.ttl !== undefined && typeof etag === "string") {
      try {
        await item.patch(
          { operations: [quarantine, { op: "set", path: "/ttl", value: kept.ttl }] },
          { accessCondition: { type: "IfMatch", condition: etag } },
        );
        return;
      } catch (error) {
        // Written meanwhile, with its own retention: only the mark is still to be set.
        if (!isCosmosStatus(error, 412)) throw error;
      }
    }
    await item.patch({ operations: [quarantine] });
  } catch (error) {
    throw mapCosmosError(error, "quarantine an unreadable document");
  }
}
