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

/** Expired documents read per query: memory stays bounded however many expire at once. */
const pageSize = 1000;

/**
 * The condition `expiresAt` applies, as a query, so the service reads only what has expired instead of a
 * projection of every document (at 100,000 recipients that was 300,000 documents a minute in its heap).
 */
function expiredCondition(defaultTtl: number): string {
  const expires =
    defaultTtl === -1 ? "(IS_DEFINED(c.ttl) AND c.ttl != -1)" : "(NOT IS_DEFINED(c.ttl) OR c.ttl != -1)";
  const byLastWrite = [
    "(IS_DEFINED(c.ttl) AND c.ttl != -1 AND c._ts + c.ttl <= @seconds)",
    ...(defaultTtl === -1 ? [] : ["(NOT IS_DEFINED(c.ttl) AND c._ts + @defaultTtl <= @seconds)"]),
  ].join(" OR ");
  return `(IS_DEFINED(c.retainUntil) AND c.retainUntil <= @now AND ${expires}) OR (NOT IS_DEFINED(c.retainUntil) AND (${byLastWrite}))`;
}

async function expireContainer(
  database: Database,
  definition: ContainerDefinition,
  now: Date,
): Promise<number> {
  const { defaultTtl } = definition;
  if (defaultTtl === undefined) return 0;
  const container = database.container(definition.name);
  // Only what the deadline needs, in one page: the embedded server evaluates a query again for every page.
  const partitionKey = `c${definition.partitionKeyPath.replaceAll("/", ".")}`;
  const fields = ["c.id", "c._ts", "c.ttl", "c.retainUntil", partitionKey];
  const query = {
    query: `SELECT TOP @limit ${[...new Set(fields)].join(", ")} FROM c WHERE ${expiredCondition(defaultTtl)}`,
    parameters: [
      { name: "@limit", value: pageSize },
      { name: "@now", value: now.toISOString() },
      { name: "@seconds", value: Math.floor(now.getTime() / 1000) },
      { name: "@defaultTtl", value: defaultTtl },
    ],
  };
  let deleted = 0;
  for (;;) {
    let resources: unknown[];
    try {
      ({ resources } = await container.items.query(query, { maxItemCount: -1 }).fetchAll());
    } catch (error) {
      throw mapCosmosError(error, `expire ${definition.name}: query`);
    }
    let gone = 0;
    for (const resource of resources) {
      const parsed = expirableSchema.safeParse(resource);
      if (!parsed.success) continue;
      const at = expiresAt(parsed.data, defaultTtl);
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
      gone += 1;
    }
    // A short page was the last; a page of nothing deletable would only come back the same.
    if (resources.length < pageSize || gone === 0) return deleted;
  }
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
