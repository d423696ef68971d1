import type { Database } from "@azure/cosmos";
import { z } from "zod";
import { isCosmosStatus, mapCosmosError } from "../adapters/cosmos/errors";
import { isRecord } from "../narrowing";
import { containers, type ContainerDefinition } from "../platform/resources";

/**
 * Local mode's stand-in for Cosmos DB's TTL, which the embedded server does not implement: deletes every
 * document Cosmos would have deleted by now. A container without `defaultTtl` expires nothing; with one, a
 * document's own `ttl` wins (-1: never) and the container's applies to documents without one. The deadline
 * is the document's `retainUntil` when it has one (written from the service's clock, so moving the local
 * clock ahead expires what that time would), else its last write (`_ts`) plus the TTL.
 */

const expirableSchema = z.object({
  id: z.string(),
  _ts: z.number(),
  ttl: z.number().optional(),
  retainUntil: z.string().optional(),
});

export type ExpiredCounts = Partial<Record<string, number>>;

function partitionKeyOf(document: unknown, path: string): unknown {
  return path
    .slice(1)
    .split("/")
    .reduce<unknown>((value, key) => (isRecord(value) ? value[key] : undefined), document);
}

/** When Cosmos would delete the document, in ms since the epoch; undefined: never. */
function expiresAt(document: z.infer<typeof expirableSchema>, defaultTtl: number): number | undefined {
  const ttl = document.ttl ?? defaultTtl;
  if (ttl === -1) return undefined;
  if (document.retainUntil !== undefined) {
    const at = Date.parse(document.retainUntil);
    if (!Number.isNaN(at)) return at;
  }
  return (document._ts + ttl) * 1000;
}

async function expireContainer(
  database: Database,
  definition: ContainerDefinition,
  now: Date,
): Promise<number> {
  if (definition.defaultTtl === undefined) return 0;
  const container = database.container(definition.name);
  let resources: unknown[];
  // Only what the deadline needs, in one page: the embedded server evaluates a query again for every page
  // (a scan of 20,000 documents in pages of 100 took a minute).
  const partitionKey = `c${definition.partitionKeyPath.replaceAll("/", ".")}`;
  const fields = ["c.id", "c._ts", "c.ttl", "c.retainUntil", partitionKey];
  try {
    ({ resources } = await container.items
      .query(`SELECT ${[...new Set(fields)].join(", ")} FROM c`, { maxItemCount: -1 })
      .fetchAll());
  } catch (error) {
    throw mapCosmosError(error, `expire ${definition.name}: query`);
  }
  let deleted = 0;
  for (const resource of resources) {
    const parsed = expirableSchema.safeParse(resource);
    if (!parsed.success) continue;
    const at = expiresAt(parsed.data, definition.defaultTtl);
    if (at === undefined || at > now.getTime()) continue;
    const partitionKey = partitionKeyOf(resource, definition.partitionKeyPath);
    try {
      await container
        .item(parsed.data.id, typeof partitionKey === "string" ? partitionKey : undefined)
        .delete();
      deleted += 1;
    } catch (error) {
      // Deleted meanwhile by the service itself (an erasure, a removed order): nothing left to expire.
      if (!isCosmosStatus(error, 404)) throw mapCosmosError(error, `expire ${definition.name}: delete`);
    }
  }
  return deleted;
}

/** Deletes what has expired at `now` in every container, returning how many documents per container. */
export async function expireDocuments(database: Database, now: Date): Promise<ExpiredCounts> {
  const counts: ExpiredCounts = {};
  const definitions: ContainerDefinition[] = Object.values(containers);
  for (const definition of definitions) {
    const deleted = await expireContainer(database, definition, now);
    if (deleted > 0) counts[definition.name] = deleted;
  }
  return counts;
}
