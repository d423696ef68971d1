import { createRequire } from "node:module";

/**
 * The embedded server's query engine (@zeit/cosmosdb-query 0.7.2) builds arrays with
 * `reduce(($, x) => [...$, x], [])`: the FROM clause's walk over the container and the removal of `undefined`
 * from each result page copy the array once per document, so every query costs the square of the
 * container's size. A query over 10,000 documents took 0.6 s, over 20,000 40 s: a local order of a hundred
 * thousand recipients, or the sweeper over as many orders, stalled the store. These rewrites give the same
 * results with one append per document. Its ORDER BY looks up every sort key (allocating the path's rest
 * array) inside each comparison: with 100,000 due orders the sweeper's TOP 50 queries spent 60 % of the store
 * process's time there. The sort below reads each row's keys once, and a TOP n keeps only the best n rows
 * instead of sorting all of them. Local mode only: Cosmos DB has indexes.
 */

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;
const isAccumulator = (value: unknown) =>
  isNode(value) && value["type"] === "Identifier" && value["name"] === "$";
const isSpreadOfAccumulator = (value: unknown) =>
  isNode(value) && value["type"] === "SpreadElement" && isAccumulator(value["argument"]);

/** `[...$, a, ...b]` as `($.push(a, ...b), $)`; anything else as it is. */
function appended(body: unknown): unknown {
  if (!isNode(body) || body["type"] !== "ArrayExpression") return body;
  const elements = body["elements"];
  if (!Array.isArray(elements) || !isSpreadOfAccumulator(elements[0])) return body;
  const accumulator = { type: "Identifier", name: "$" };
  return {
    type: "SequenceExpression",
    expressions: [
      {
        type: "CallExpression",
        callee: {
          type: "MemberExpression",
          object: accumulator,
          property: { type: "Identifier", name: "push" },
          computed: false,
        },
        arguments: elements.slice(1),
      },
      accumulator,
    ],
  };
}

/** Calls `rewrite` on every node of a generated JavaScript AST, a parent before its children. */
function rewriteEach(node: unknown, rewrite: (node: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) rewriteEach(child, rewrite);
    return;
  }
  if (!isNode(node)) return;
  rewrite(node);
  for (const child of Object.values(node)) rewriteEach(child, rewrite);
}

/** Rewrites `($, …) => [...$, …]` (also under `test ? […] : $`) to append instead of copying. */
function appendInPlace(node: Node): void {
  const params = node["params"];
  if (node["type"] === "ArrowFunctionExpression" && Array.isArray(params) && isAccumulator(params[0])) {
    const body = node["body"];
    node["body"] = appended(body);
    if (isNode(body) && body["type"] === "ConditionalExpression" && isAccumulator(body["alternate"]))
      body["consequent"] = appended(body["consequent"]);
  }
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(stripUndefined);
  if (isNode(value)) {
    const kept: Node = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) kept[key] = stripUndefined(item);
    return kept;
  }
  return value;
}

/** A sort key's path from the query's alias (`["c", "status"]`) and whether it is descending. */
type SortOrder = [keys: string[], descending: boolean];
type SortHelper = (
  collection: unknown[],
  getRid: (row: unknown) => unknown,
  compositeIndexes: unknown,
  ...orders: SortOrder[]
) => unknown[];
/** The engine's sort, called only for its check that an ORDER BY of several keys has a composite index. */
type IndexCheck = (getRid: (row: unknown) => unknown, compositeIndexes: unknown, orders: SortOrder[]) => void;

const typeRanks = ["undefined", "null", "boolean", "number", "string", "array", "object"];

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** The engine's order of values: by type first (undefined lowest), objects equal to one another. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const [aType, bType] = [typeOf(a), typeOf(b)];
  if (aType !== bType) return typeRanks.indexOf(aType) - typeRanks.indexOf(bType);
  if (aType === "object") return 0;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : 1;
  if (typeof a === "boolean") return a ? 1 : -1;
  // Strings, and arrays by their string form, as the engine's `<` compares them.
  return String(a) < String(b) ? -1 : 1;
}

function valueAt(row: unknown, keys: string[]): unknown {
  let value = row;
  for (const key of keys) {
    value = isNode(value) ? value[key] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

/** Compares two rows by their positions in the key columns, `_rid` last, as the engine's sort does. */
function rowComparer(collection: unknown[], getRid: (row: unknown) => unknown, orders: SortOrder[]) {
  const columns = orders.map(([keys]) => collection.map((row) => valueAt(row, keys)));
  const descending = orders.map(([, desc]) => desc);
  const rids = collection.map(getRid);
  const compare = (a: number, b: number) => {
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i] ?? [];
      const order = compareValues(column[a], column[b]);
      if (order !== 0) return descending[i] ? -order : order;
    }
    return compareValues(rids[a], rids[b]);
  };
  // A single key leaves out rows without it, as the engine does.
  const [only] = columns;
  const kept = only && columns.length === 1 ? (i: number) => only[i] !== undefined : () => true;
  return { compare, kept };
}

/**
 * The engine's sort with each row's keys (and `_rid`, the tie-break) read once into columns, not per
 * comparison; positions are sorted, so rows already in order (the usual case: `_rid` follows creation) cost
 * one pass.
 */
function keyedSort(checkIndex: IndexCheck): SortHelper {
  return (collection, getRid, compositeIndexes, ...orders) => {
    checkIndex(getRid, compositeIndexes, orders);
    const { compare, kept } = rowComparer(collection, getRid, orders);
    const positions = collection.map((_, i) => i).filter(kept);
    positions.sort(compare);
    return positions.map((i) => collection[i]);
  };
}

/**
 * The first `limit` rows of the keyed sort, for `TOP n … ORDER BY`: one pass that keeps the best `limit`
 * positions in order, instead of sorting every row that matched (the sweeper takes 50 of 100,000 due orders).
 * The `_rid` tie-break makes the order total, so the rows are those the full sort would give.
 */
function keyedTop(
  checkIndex: IndexCheck,
): (limit: unknown, ...sortArgs: Parameters<SortHelper>) => unknown[] {
  const sort = keyedSort(checkIndex);
  return (limit, collection, getRid, compositeIndexes, ...orders) => {
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0)
      return sort(collection, getRid, compositeIndexes, ...orders).slice(0, Number(limit));
    checkIndex(getRid, compositeIndexes, orders);
    const { compare, kept } = rowComparer(collection, getRid, orders);
    const best: number[] = [];
    for (let i = 0; i < collection.length; i += 1) {
      if (!kept(i)) continue;
      const worst = best[best.length - 1];
      if (best.length === limit && (worst === undefined || compare(i, worst) >= 0)) continue;
      let [low, high] = [0, best.length];
      while (low < high) {
        const middle = (low + high) >> 1;
        if (compare(best[middle] ?? i, i) < 0) low = middle + 1;
        else high = middle;
      }
      best.splice(low, 0, i);
      if (best.length > limit) best.pop();
    }
    return best.map((i) => collection[i]);
  };
}

const isHelperCall = (value: unknown, name: string): value is Node =>
  isNode(value) &&
  value["type"] === "CallExpression" &&
  isNode(value["callee"]) &&
  isNode(value["callee"]["property"]) &&
  value["callee"]["property"]["name"] === name &&
  isNode(value["callee"]["object"]) &&
  value["callee"]["object"]["name"] === "$h";

/** Rewrites `$h.sort(…).slice(0, n)` (TOP n with an ORDER BY) to `$h.sortTop(n, …)`. */
function selectTopInPlace(node: Node): void {
  const callee = node["callee"];
  const args = node["arguments"];
  if (
    node["type"] === "CallExpression" &&
    isNode(callee) &&
    isNode(callee["property"]) &&
    callee["property"]["name"] === "slice" &&
    isHelperCall(callee["object"], "sort") &&
    Array.isArray(args) &&
    args.length === 2 &&
    isNode(args[0]) &&
    args[0]["value"] === 0
  ) {
    const sortCall = callee["object"];
    const sortCallee = sortCall["callee"];
    const sortArgs: unknown = sortCall["arguments"];
    if (isNode(sortCallee) && Array.isArray(sortArgs)) {
      node["callee"] = { ...sortCallee, property: { type: "Identifier", name: "sortTop" } };
      node["arguments"] = [args[1], ...sortArgs.map((arg: unknown) => arg)];
    }
  }
}

let installed = false;

/** Installs the rewrites and the sort in this process's copy of the engine; idempotent. */
export function useLinearQueryEngine(): void {
  if (installed) return;
  const engineRequire = createRequire(createRequire(__filename).resolve("@vercel/cosmosdb-server"));
  const helpers: unknown = engineRequire("@zeit/cosmosdb-query/lib/helpers");
  const transformer: unknown = engineRequire("@zeit/cosmosdb-query/lib/transformer");
  if (!isNode(helpers) || !isNode(transformer) || typeof transformer["default"] !== "function")
    throw new Error("@zeit/cosmosdb-query changed: its helpers or transformer are not where they were");
  const transform = transformer["default"];
  Reflect.set(helpers, "stripUndefined", stripUndefined);
  const engineSort = helpers["sort"];
  if (typeof engineSort !== "function") throw new Error("@zeit/cosmosdb-query changed: its sort is gone");
  const checkIndex: IndexCheck = (getRid, compositeIndexes, orders) => {
    Reflect.apply(engineSort, helpers, [[], getRid, compositeIndexes, ...orders]);
  };
  Reflect.set(helpers, "sort", keyedSort(checkIndex));
  Reflect.set(helpers, "sortTop", keyedTop(checkIndex));
  Reflect.set(transformer, "default", (ast: unknown): unknown => {
    const generated: unknown = Reflect.apply(transform, transformer, [ast]);
    rewriteEach(generated, (node) => {
      appendInPlace(node);
      selectTopInPlace(node);
    });
    return generated;
  });
  installed = true;
}
