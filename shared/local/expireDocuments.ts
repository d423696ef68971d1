import type { IncomingMessage } from "node:http";
import { setImmediate as nextTurn } from "node:timers/promises";
import type Account from "@vercel/cosmosdb-server/lib/account";
import { z } from "zod";
import { isRecord } from "../narrowing";

/**
 * Local mode's stand-in for Cosmos DB's TTL, which the embedded server does not implement: deletes every
 * document Cosmos would have deleted by now. A container without `defaultTtl` expires nothing; with one, a
 * document's own `ttl` wins (-1: never) and the container's applies to documents without one. The deadline
 * is the document's `retainUntil` when it has one (written from the service's clock, so moving the local
 * clock ahead expires what that time would), else its last write (`_ts`) plus the TTL.
 *
 * It runs inside the embedded server, as TTL runs inside Cosmos DB, a slice of documents at a time: a query
 * for what had expired walked every document of a container in one turn of the server's event loop, and at
 * 100,000 notifications that held every other request for up to 1.4 s once a minute. The service asks for a
 * run with its own clock's time (`POST /_local/expire`).
 */

const expirableSchema = z.object({
  id: z.string(),
  _ts: z.number(),
  ttl: z.number().optional(),
  retainUntil: z.string().optional(),
});

const expiryRequestSchema = z.object({ database: z.string(), now: z.iso.datetime({ offset: true }) });
const expiredCountsSchema = z.record(z.string(), z.number().int());

/** Documents deleted per container; containers with none are left out. */
export type ExpiredCounts = Partial<Record<string, number>>;

/** The embedded server's route for a run; no Cosmos DB route starts with an underscore. */
export const expiryRoute = "/_local/expire";

/** Documents looked at per turn of the server's event loop: requests wait behind one slice at most. */
const sliceSize = 2_000;

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

/** Deletes what has expired at `now` in every container of the database, a slice at a time. */
async function expireStored(account: Account, databaseId: string, now: Date): Promise<ExpiredCounts> {
  const counts: ExpiredCounts = {};
  const database = account.database(databaseId);
  if (!database.read()) return counts;
  for (const collection of [...database.collections._data.values()]) {
    const definition = collection.read();
    const defaultTtl: unknown = definition?.["defaultTtl"];
    if (!definition || typeof defaultTtl !== "number") continue;
    const documents = collection.documents;
    const rids = [...documents._data.keys()];
    let deleted = 0;
    for (let start = 0; start < rids.length; start += sliceSize) {
      // A slice sees documents as they are now: one rewritten since the run began has its new `_ts`.
      if (start > 0) await nextTurn();
      for (const rid of rids.slice(start, start + sliceSize)) {
        const stored = documents._data.get(rid)?.read();
        const parsed = expirableSchema.safeParse(stored);
        if (!stored || !parsed.success) continue;
        const at = expiresAt(parsed.data, defaultTtl);
        if (at === undefined || at > now.getTime()) continue;
        documents.delete(parsed.data.id, documents._getPartition(stored));
        deleted += 1;
      }
    }
    if (deleted > 0) counts[definition.id] = deleted;
  }
  return counts;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The embedded server's answer to `POST /_local/expire`: a status and a JSON body. */
export async function answerExpiry(
  account: Account,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  const parsed = expiryRequestSchema.safeParse(await bodyOf(req));
  if (!parsed.success) return { status: 400, body: { message: "expected { database, now }" } };
  return { status: 200, body: await expireStored(account, parsed.data.database, new Date(parsed.data.now)) };
}

/**
 * Asks the embedded server at `endpoint` to delete what has expired at `now` in the database, returning how
 * many documents per container. A store that does not take the request (a Cosmos DB account or emulator,
 * which expire documents themselves) fails it with its status.
 */
export async function expireDocuments(endpoint: string, database: string, now: Date): Promise<ExpiredCounts> {
  const response = await fetch(new URL(expiryRoute, endpoint), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ database, now: now.toISOString() }),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = isRecord(body) && typeof body["message"] === "string" ? `: ${body["message"]}` : "";
    throw new Error(`the store answered the expiry request with ${response.status}${message}`);
  }
  return expiredCountsSchema.parse(body);
}
