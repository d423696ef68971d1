import type { Container } from "@azure/cosmos";
import type { z } from "zod";
import type { SweepPage, UnreadableDocument } from "../../ports/sweepPage";
import { mapCosmosError } from "./errors";

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
    const raw = (typeof resource === "object" && resource !== null ? resource : {}) as Record<
      string,
      unknown
    >;
    page.unreadable.push({
      id: String(raw["id"]),
      partitionKey: String(partitionKeyOf(raw)),
      problem: describe(parsed.error),
    });
  }
  return page;
}

/** Marks a document as set aside; every sweep query skips documents with `quarantine`. */
export async function quarantineDocument(
  container: Container,
  document: Pick<UnreadableDocument, "id" | "partitionKey">,
  problem: string,
  at: Date,
): Promise<void> {
  try {
    await container.item(document.id, document.partitionKey).patch({
      operations: [{ op: "set", path: "/quarantine", value: { problem, at: at.toISOString() } }],
    });
  } catch (error) {
    throw mapCosmosError(error, "quarantine an unreadable document");
  }
}
