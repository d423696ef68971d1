import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage } from "node:http";
import Documents from "@vercel/cosmosdb-server/lib/account/documents";
import type Document from "@vercel/cosmosdb-server/lib/account/document";
import type ItemObject from "@vercel/cosmosdb-server/lib/account/item-object";

/**
 * Cosmos DB answers a query sent with a partition key from that partition alone. The embedded server reads
 * every document of the container for every query and leaves the partition to the WHERE clause, so a
 * single-partition query (an order's notifications, a tenant's feed) cost as much as the container was large:
 * at 100,000 orders each one walked 100,000 notifications or 400,000 feed entries. Here each container also
 * keeps its documents by partition, and a query that names a partition runs over that partition's documents
 * only (the engine orders results by `_rid` or the ORDER BY, not by where a document sits). Cross-partition
 * queries still read the whole container. Local mode only.
 */

type PartitionMembers = Map<string, Document>;

const partitions = new WeakMap<Documents, Map<unknown, PartitionMembers>>();
const requestPartition = new AsyncLocalStorage<string | number | boolean>();

function membersOf(set: Documents, partition: unknown): PartitionMembers {
  let byPartition = partitions.get(set);
  if (!byPartition) {
    byPartition = new Map();
    partitions.set(set, byPartition);
  }
  let members = byPartition.get(partition);
  if (!members) {
    members = new Map();
    byPartition.set(partition, members);
  }
  return members;
}

/** The single partition key value a request names (`["991825827"]`), or undefined for none or several. */
function headerPartition(req: IncomingMessage): string | number | boolean | undefined {
  const header = req.headers["x-ms-documentdb-partitionkey"];
  if (typeof header !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(header);
    if (!Array.isArray(parsed) || parsed.length !== 1) return undefined;
    const value: unknown = parsed.at(0);
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the handling of `req` with the partition it names in scope of its queries. */
export function withRequestPartition<T>(req: IncomingMessage, handle: () => T): T {
  const partition = headerPartition(req);
  return partition === undefined ? handle() : requestPartition.run(partition, handle);
}

/**
 * Runs a query of the server's over `documents` instead of the whole container: the server's query reads
 * `_data` synchronously, so it sees them for this call only.
 */
export function queryOver<T>(set: Documents, documents: Map<string, Document>, run: () => T): T {
  const all = set._data;
  set._data = documents;
  try {
    return run();
  } finally {
    set._data = all;
  }
}

let installed = false;

/** Keeps every container's documents by partition, and scopes queries to theirs; idempotent. */
export function usePartitionScopedQueries(): void {
  if (installed) return;
  const prototype = Documents.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- each is called below with .call(this)
  const { _set: set, delete: remove, query } = prototype;
  prototype._set = function (data: ItemObject): ItemObject {
    const stored = set.call(this, data);
    const item = this._data.get(stored._rid);
    if (item) membersOf(this, this._getPartition(stored)).set(stored._rid, item);
    return stored;
  };
  prototype.delete = function (idOrRid: string, partition: unknown): void {
    const existing: ItemObject | undefined = this._item("/id", idOrRid, partition).read() ?? undefined;
    remove.call(this, idOrRid, partition);
    if (!existing) return;
    const byPartition = partitions.get(this);
    const key: unknown = this._getPartition(existing);
    const members = byPartition?.get(key);
    members?.delete(existing._rid);
    if (members?.size === 0) byPartition?.delete(key);
  };
  prototype.query = function (...args: Parameters<typeof query>): unknown {
    const partition = requestPartition.getStore();
    if (partition === undefined) return query.apply(this, args);
    const members = partitions.get(this)?.get(partition) ?? new Map<string, Document>();
    return queryOver(this, members, (): unknown => query.apply(this, args));
  };
  installed = true;
}
