import { createRequire } from "node:module";

/**
 * The embedded server serves every query by a scan whatever the container's indexing policy, so a query that
 * filters or sorts on a path the policy leaves out would pass every local test and then, on Azure, sort not at
 * all (Cosmos DB refuses an ORDER BY without a range index) or scan whole partitions on every call. Installed
 * in the local store, this refuses such a query as Cosmos DB refuses an unindexed ORDER BY: with a 400 that
 * names the path. Policies that index everything (the default) refuse nothing.
 */

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;

interface IndexingPolicy {
  includedPaths?: Array<{ path: string }>;
  excludedPaths?: Array<{ path: string }>;
}

/** `c.recipient.address` as `["recipient", "address"]`, from the query's alias; undefined for anything else. */
function memberPath(node: unknown, alias: string): string[] | undefined {
  if (!isNode(node)) return undefined;
  if (node["type"] === "identifier") return node["name"] === alias ? [] : undefined;
  if (node["type"] !== "scalar_member_expression") return undefined;
  const parent = memberPath(node["object"], alias);
  const property = node["property"];
  if (!parent || !isNode(property)) return undefined;
  const name = property["type"] === "identifier" ? property["name"] : property["value"];
  return typeof name === "string" ? [...parent, name] : undefined;
}

const isFunctionCall = (node: Node, name: string) =>
  node["type"] === "scalar_function_expression" &&
  isNode(node["name"]) &&
  String(node["name"]["name"]).toUpperCase() === name;

/**
 * The index paths a filter or sort expression reads: a member path as it is (`/status`), an array searched
 * by ARRAY_CONTAINS as its elements (`/resources/[]`), or as their fields when matched by a partial object
 * (`/recipients/[]/nationalIdentityNumber`).
 */
function readPaths(node: unknown, alias: string, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) readPaths(child, alias, into);
    return;
  }
  if (!isNode(node)) return;
  const path = memberPath(node, alias);
  if (path && path.length > 0) {
    into.add(`/${path.join("/")}`);
    return;
  }
  const args: unknown[] = isFunctionCall(node, "ARRAY_CONTAINS") ? [node["arguments"]].flat() : [];
  if (args.length > 0) {
    const [array, item, ...rest] = args;
    const arrayPath = memberPath(array, alias);
    if (arrayPath && arrayPath.length > 0) {
      const elements = `/${[...arrayPath, "[]"].join("/")}`;
      const isObject =
        isNode(item) && ["object_constant", "scalar_object_expression"].includes(String(item["type"]));
      const fields = isObject ? item["properties"] : undefined;
      if (Array.isArray(fields) && fields.length > 0) {
        for (const field of fields) {
          const key = isNode(field) && isNode(field["key"]) ? field["key"]["value"] : undefined;
          if (typeof key === "string") into.add(`${elements}/${key}`);
        }
      } else {
        into.add(elements);
      }
      readPaths([item, ...rest], alias, into);
      return;
    }
  }
  for (const child of Object.values(node)) readPaths(child, alias, into);
}

/** Whether a policy path (`/a/?`, `/a/*`, `/*`) covers a read path (`/a`, `/a/[]/b`). */
function covers(policyPath: string, path: string): boolean {
  if (policyPath.endsWith("/?")) return policyPath.slice(0, -2) === path;
  if (policyPath.endsWith("/*")) {
    const prefix = policyPath.slice(0, -2);
    return prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
  }
  return false;
}

const precision = (policyPath: string) => policyPath.split("/").length;

/** Cosmos DB's rule: of the included and excluded paths that cover a path, the most precise one decides. */
export function isIndexed(path: string, policy: IndexingPolicy): boolean {
  const best = (paths: Array<{ path: string }> | undefined) =>
    Math.max(-1, ...(paths ?? []).filter((p) => covers(p.path, path)).map((p) => precision(p.path)));
  const included = policy.includedPaths === undefined ? 0 : best(policy.includedPaths);
  return included >= 0 && included >= best(policy.excludedPaths);
}

/** A module of the embedded server or of its own dependencies, as the server loads it. */
function serverModule(name: string): Node {
  const serverRequire = createRequire(createRequire(__filename).resolve("@vercel/cosmosdb-server"));
  const loaded: unknown = serverRequire(name);
  if (!isNode(loaded)) throw new Error(`@vercel/cosmosdb-server changed: ${name} is not where it was`);
  return loaded;
}

let parser: ((query: string) => unknown) | undefined;

/** The SQL parser the embedded server uses (@zeit/cosmosdb-query), so a query is read as the store reads it. */
function parseQuery(query: string): unknown {
  if (!parser) {
    const parse = serverModule("@zeit/cosmosdb-query/lib/parser")["parse"];
    if (typeof parse !== "function") throw new Error("@zeit/cosmosdb-query changed: its parser is gone");
    parser = (text) => Reflect.apply(parse, undefined, [text]);
  }
  return parser(query);
}

/** The paths the query's WHERE and ORDER BY read that the policy does not index, in the order found. */
export function pathsOutsideIndex(query: string, policy: IndexingPolicy): string[] {
  const root = parseQuery(query.trim());
  const body = isNode(root) ? root["body"] : undefined;
  if (!isNode(body)) return [];
  const source = isNode(body["from"]) ? body["from"]["source"] : undefined;
  const alias = isNode(source)
    ? ((isNode(source["alias"]) ? source["alias"]["name"] : undefined) ??
      (isNode(source["expression"]) && isNode(source["expression"]["expression"])
        ? source["expression"]["expression"]["name"]
        : undefined))
    : undefined;
  if (typeof alias !== "string") return [];
  const read = new Set<string>();
  readPaths([body["where"], body["orderBy"]], alias, read);
  return [...read].filter((path) => !isIndexed(path, policy));
}

let installed = false;

/** Installs the check in this process's copy of the embedded server's document queries; idempotent. */
export function enforceIndexingPolicy(): void {
  if (installed) return;
  const Documents = serverModule("@vercel/cosmosdb-server/lib/account/documents")["default"];
  const prototype: unknown = typeof Documents === "function" ? Documents.prototype : undefined;
  const query = isNode(prototype) ? prototype["query"] : undefined;
  if (!isNode(prototype) || typeof query !== "function")
    throw new Error("@vercel/cosmosdb-server changed: its document queries are not where they were");
  // A service sends the same few query texts again and again: each is parsed once per container policy.
  const checked = new WeakMap<IndexingPolicy, Map<string, string[]>>();
  const outsideOf = (policy: IndexingPolicy, text: string) => {
    const known = checked.get(policy) ?? new Map<string, string[]>();
    checked.set(policy, known);
    const outside = known.get(text) ?? pathsOutsideIndex(text, policy);
    known.set(text, outside);
    return outside;
  };
  prototype["query"] = function checkedQuery(this: unknown, ...args: unknown[]): unknown {
    const [params] = args;
    const parent = isNode(this) ? this["_parent"] : undefined;
    const collection: unknown =
      isNode(parent) && typeof parent["read"] === "function"
        ? Reflect.apply(parent["read"], parent, [])
        : undefined;
    const policy = isNode(collection) ? collection["indexingPolicy"] : undefined;
    const text = isNode(params) ? params["query"] : undefined;
    if (isNode(policy) && typeof text === "string") {
      const outside = outsideOf(policy, text);
      if (outside.length > 0) {
        const error = new Error(
          `The query reads ${outside.join(", ")}, which the container's indexing policy does not index ` +
            "(shared/platform/resources.ts indexedPaths).",
        );
        Reflect.set(error, "badRequest", true);
        throw error;
      }
    }
    const result: unknown = Reflect.apply(query, this, args);
    return result;
  };
  installed = true;
}
