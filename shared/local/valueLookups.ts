import Documents from "@vercel/cosmosdb-server/lib/account/documents";
import type Document from "@vercel/cosmosdb-server/lib/account/document";
import type ItemObject from "@vercel/cosmosdb-server/lib/account/item-object";
import { queryOver } from "./partitionScopedQueries";

/**
 * Cosmos DB serves `ARRAY_CONTAINS(@values, c.field)` from its index; the embedded server scans the whole
 * container for it. A delivery report looks its SMS up that way, by gateway reference, across every order's
 * partition: at 100,000 orders each batch of reports walked 100,000 notifications. Here the first such query
 * on a container's field builds a map from that field's values to its documents, every later write keeps it
 * up, and the query runs over the documents holding one of the values only (the engine still applies the whole
 * WHERE clause, so a document whose value changed since is filtered out there). Only a WHERE clause without OR
 * or NOT is narrowed: there the lookup must hold for every result. Local mode only.
 */

type ValueMap = Map<unknown, Set<string>>;

const lookup = /ARRAY_CONTAINS\s*\(\s*@(\w+)\s*,\s*\w+\.(\w+)\s*\)/i;
const widening = /\b(OR|NOT)\b/i;

const mapsOf = new WeakMap<Documents, Map<string, ValueMap>>();

function add(map: ValueMap, value: unknown, rid: string): void {
  if (value === undefined) return;
  let rids = map.get(value);
  if (!rids) {
    rids = new Set();
    map.set(value, rids);
  }
  rids.add(rid);
}

/** The field's value map of this container, built from its documents on first use. */
function valueMap(set: Documents, field: string): ValueMap {
  let byField = mapsOf.get(set);
  if (!byField) {
    byField = new Map();
    mapsOf.set(set, byField);
  }
  let map = byField.get(field);
  if (!map) {
    map = new Map();
    for (const [rid, item] of set._data) add(map, item.read()?.[field], rid);
    byField.set(field, map);
  }
  return map;
}

interface QueryParams {
  query: string;
  parameters?: Array<{ name: string; value: unknown }>;
}

/** The documents a narrowable lookup can match, or undefined when the query is not one. */
function candidates(set: Documents, params: QueryParams): Map<string, Document> | undefined {
  const match = lookup.exec(params.query);
  if (!match || widening.test(params.query)) return undefined;
  const [, parameter, field] = match;
  const values = params.parameters?.find((p) => p.name === `@${parameter}`)?.value;
  if (!Array.isArray(values) || field === undefined) return undefined;
  const map = valueMap(set, field);
  const found = new Map<string, Document>();
  for (const value of values)
    for (const rid of map.get(value) ?? []) {
      const item = set._data.get(rid);
      if (item) found.set(rid, item);
    }
  return found;
}

let installed = false;

/** Narrows value lookups to the documents holding the values; idempotent. */
export function useValueLookups(): void {
  if (installed) return;
  const prototype = Documents.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- each is called below with .call(this)
  const { _set: set, query } = prototype;
  prototype._set = function (data: ItemObject): ItemObject {
    const stored = set.call(this, data);
    for (const [field, map] of mapsOf.get(this) ?? []) add(map, stored[field], stored._rid);
    return stored;
  };
  prototype.query = function (...args: Parameters<typeof query>): unknown {
    const [params] = args;
    const narrowed = candidates(this, params);
    return narrowed
      ? queryOver(this, narrowed, (): unknown => query.apply(this, args))
      : query.apply(this, args);
  };
  installed = true;
}
