/**
 * What the embedded Cosmos server (@vercel/cosmosdb-server) holds, as records that can be written down and
 * applied again. The server keeps everything in `Items` sets (databases, containers per database, documents
 * per container): maps from `_rid` to the stored object, with an id index and a `_ridCount` for new rids.
 * Every write ends in `create`, `replace` (upsert and patch use it) or `delete` on one of those sets, so
 * wrapping these three on each set sees every mutation — whichever HTTP route, batch or bulk request made it —
 * and records its post-image: the exact stored object, `_etag`, `_ts`, `_rid` and `_self` included, so
 * conditional requests made with an ETag read before a restart still match after it.
 * User-defined functions are not recorded (varsel defines none).
 */
import type Account from "@vercel/cosmosdb-server/lib/account";
import type Item from "@vercel/cosmosdb-server/lib/account/item";
import type ItemObject from "@vercel/cosmosdb-server/lib/account/item-object";
import type Items from "@vercel/cosmosdb-server/lib/account/items";
import { isRecord } from "../../narrowing";

/** Ids of the parents of a set: [] the databases, [db] a database's containers, [db, container] its documents. */
type Scope = [] | [string] | [string, string];

/** The stored object as it is after a create or replace; replaying it overwrites by id and partition key. */
interface PutRecord {
  in: Scope;
  put: ItemObject;
  /** The set's rid counter after the write, so a rid is never handed out twice. */
  n?: number;
}

interface DeleteRecord {
  in: Scope;
  del: string;
  /** The partition key value the server indexed the resource under. */
  pk?: unknown;
}

/** A set's rid counter on its own (a snapshot writes it even for a set that is empty now). */
interface CountRecord {
  in: Scope;
  n: number;
}

export type JournalRecord = PutRecord | DeleteRecord | CountRecord;

type ResourceSet<I extends Item = Item> = Items<Item, I>;

/** Calls `write` with one record after each completed mutation of any set of `account`, before it returns. */
export function journalMutations(account: Account, write: (record: JournalRecord) => void): void {
  watch(account.databases, [], write, (database, data) =>
    watch(database.collections, [data.id], write, (container, containerData) =>
      watch(container.documents, [data.id, containerData.id], write),
    ),
  );
}

/**
 * Wraps one set's mutators on the instance (not the prototype), so that only this account is journaled.
 * `onNew` wraps the children of each database or container the set creates — on a write and on replay.
 */
function watch<I extends Item>(
  set: ResourceSet<I>,
  scope: Scope,
  write: (record: JournalRecord) => void,
  onNew?: (item: I, data: ItemObject) => void,
): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- each is called below with .call(this)
  const { create, replace, delete: remove, _newItem: newItem } = set;
  // A replace deletes the old object and sets the new one; only the put is recorded, as one line, so that
  // a kill can never leave the delete journaled without the put.
  let replacing = false;
  set.create = function (data) {
    const stored = create.call(this, data);
    write({ in: scope, put: stored, n: set._ridCount });
    return stored;
  };
  set.replace = function (data, original) {
    replacing = true;
    let stored: ItemObject;
    try {
      stored = replace.call(this, data, original);
    } finally {
      replacing = false;
    }
    write({ in: scope, put: stored, n: set._ridCount });
    return stored;
  };
  set.delete = function (idOrRid, partition) {
    const existing = readItem(this._item("/id", idOrRid, partition));
    remove.call(this, idOrRid, partition);
    if (!replacing && existing) write({ in: scope, del: existing.id, pk: this._getPartition(existing) });
  };
  if (onNew) {
    set._newItem = function (data) {
      const item = newItem.call(this, data);
      // Look-ups of a missing id also make an (empty) item; only real resources get watched children.
      if (data) onNew(item, data);
      return item;
    };
  }
}

/** `Item.read()` is typed as always returning an object, but a missing resource reads as undefined. */
function readItem(item: Item): ItemObject | undefined {
  const read: ItemObject | undefined | null = item.read();
  return read ?? undefined;
}

function resolveSet(account: Account, scope: Scope): ResourceSet {
  if (scope.length === 0) return account.databases;
  const database = account.database(scope[0]);
  if (!readItem(database)) throw new Error(`database "${scope[0]}" does not exist`);
  if (scope.length === 1) return database.collections;
  const container = database.collection(scope[1]);
  if (!readItem(container)) throw new Error(`container "${scope[0]}/${scope[1]}" does not exist`);
  return container.documents;
}

/** Applies one record to `account` (replaying it twice gives the same state, except for a container put). */
export function applyRecord(account: Account, record: JournalRecord): void {
  const set = resolveSet(account, record.in);
  if ("put" in record) {
    const partition: unknown = set._getPartition(record.put);
    const existing = readItem(set._item("/id", record.put.id, partition));
    if (existing) set.delete(existing.id, partition);
    // `_set` stores the object as given, unlike `create`, which would mint a new _rid and _etag.
    set._set(record.put);
  } else if ("del" in record) {
    if (readItem(set._item("/id", record.del, record.pk))) set.delete(record.del, record.pk);
  }
  if ("n" in record && record.n !== undefined) set._ridCount = Math.max(set._ridCount, record.n);
}

/** Records that rebuild `account` from nothing: each set's counter, then each resource before its children. */
export function* snapshotRecords(account: Account): Generator<JournalRecord> {
  yield* setRecords(account.databases, [], (database, id) =>
    setRecords(database.collections, [id], (container, containerId) =>
      setRecords(container.documents, [id, containerId]),
    ),
  );
}

function* setRecords<I extends Item>(
  set: ResourceSet<I>,
  scope: Scope,
  children?: (item: I, id: string) => Generator<JournalRecord>,
): Generator<JournalRecord> {
  yield { in: scope, n: set._ridCount };
  for (const item of set._data.values()) {
    const data = readItem(item);
    if (!data) continue;
    yield { in: scope, put: data };
    if (children) yield* children(item, data.id);
  }
}

/** Checks the shape of a record read back from disk. */
export function isJournalRecord(value: unknown): value is JournalRecord {
  if (!isRecord(value)) return false;
  const record = value;
  const scope = record["in"];
  if (!Array.isArray(scope) || scope.length > 2 || !scope.every((s) => typeof s === "string")) return false;
  const put = record["put"];
  if (put !== undefined) {
    return isRecord(put) && typeof put["id"] === "string";
  }
  if (record["del"] !== undefined) return typeof record["del"] === "string";
  return typeof record["n"] === "number";
}
