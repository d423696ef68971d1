import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument, operations, type ParameterSpec } from "../../shared/http/openapi";

/**
 * Every query parameter and request header a handler reads is in openapi.json, and every one documented is
 * read. The reads are found in the source: from each registration (functions/*.ts) to its handler, through
 * the helpers it names in its own module and in shared/http, collecting `queryValue(…, "name")`,
 * `query.get("name")` and `headers.get|has("name")` (a constant argument is resolved in its module). A read
 * whose name is a variable (a factory's parameter) cannot be resolved here: those are listed below, by hand.
 */
const root = join(__dirname, "..", "..");
const httpDir = join(root, "shared", "http");

/** Documented by the security scheme and the request body, or read on every route (trace context). */
const standardHeaders = new Set([
  "authorization",
  "content-type",
  "content-length",
  "traceparent",
  "tracestate",
]);

/** Reads by a variable name, per operation: what the variable holds, checked against the document too. */
const dynamicReads: Record<string, Array<Pick<ParameterSpec, "in" | "name">>> = {
  dashboardByNin: [{ in: "header", name: "NationalIdentityNumber" }],
  dashboardByOrgNumber: [{ in: "header", name: "OrganizationNumber" }],
};

interface Read {
  in: "query" | "header";
  /** The name read, or undefined when it is a variable. */
  name?: string;
  at: string;
}

interface Module {
  declarations: Map<string, string>;
  /** Local name → [module file, exported name], for relative imports. */
  imports: Map<string, [string, string]>;
}

const modules = new Map<string, Module>();

/** Top-level declarations (a span runs to the next one) and relative imports of a TypeScript module. */
function moduleOf(file: string): Module {
  const known = modules.get(file);
  if (known) return known;
  const source = readFileSync(file, "utf8");
  const declarations = new Map<string, string>();
  const starts = [
    ...source.matchAll(
      /^(?:export\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum)\s+(\w+)/gm,
    ),
  ];
  starts.forEach((match, i) => {
    const end = starts[i + 1]?.index ?? source.length;
    declarations.set(match[1] ?? "", source.slice(match.index, end));
  });
  const imports = new Map<string, [string, string]>();
  for (const match of source.matchAll(/import\s+(?:type\s+)?\{([^}]+)\}\s+from\s+"(\.[^"]+)"/g)) {
    const target = resolve(dirname(file), `${match[2]}.ts`);
    for (const part of (match[1] ?? "").split(",")) {
      const [exported, local] = part
        .replace(/^\s*type\s+/, "")
        .split(/\s+as\s+/)
        .map((name) => name.trim());
      if (exported) imports.set(local ?? exported, [target, exported]);
    }
  }
  const module = { declarations, imports };
  modules.set(file, module);
  return module;
}

/** A string constant of the module, e.g. `const idempotencyRequestHeader = "varsel-idempotency"`. */
function constantOf(module: Module, name: string): string | undefined {
  return module.declarations.get(name)?.match(new RegExp(`const\\s+${name}\\s*=\\s*"([^"]+)"`))?.[1];
}

/** Every query and header read reachable from one declaration, following names into shared/http. */
function readsFrom(file: string, name: string): Read[] {
  const reads: Read[] = [];
  const visited = new Set<string>();
  const visit = (at: string, declaration: string): void => {
    if (visited.has(`${at}#${declaration}`)) return;
    visited.add(`${at}#${declaration}`);
    const module = moduleOf(at);
    const span = module.declarations.get(declaration);
    if (span === undefined) return;
    const patterns: Array<[RegExp, Read["in"]]> = [
      [/queryValue\(\s*[\w.]+\s*,\s*(?:"([^"]+)"|(\w+))\s*\)/g, "query"],
      [/query\.get\(\s*(?:"([^"]+)"|(\w+))\s*\)/g, "query"],
      [/headers\.(?:get|has)\(\s*(?:"([^"]+)"|(\w+))\s*\)/g, "header"],
    ];
    for (const [pattern, where] of patterns) {
      for (const match of span.matchAll(pattern)) {
        const named = match[1] ?? (match[2] ? constantOf(module, match[2]) : undefined);
        reads.push({ in: where, name: named, at: `${at.slice(root.length + 1)} ${declaration}` });
      }
    }
    for (const [identifier] of span.matchAll(/\b[A-Za-z_]\w*\b/g)) {
      if (identifier !== declaration && module.declarations.has(identifier)) visit(at, identifier);
      const imported = module.imports.get(identifier);
      if (imported && imported[0].startsWith(httpDir)) visit(imported[0], imported[1]);
    }
  };
  visit(file, name);
  return reads;
}

/** Each HTTP registration (its name is the operationId) with the module and name of its handler. */
function registrations(): Array<{ operationId: string; file: string; handler: string }> {
  const found: Array<{ operationId: string; file: string; handler: string }> = [];
  const functionsDir = join(root, "functions");
  for (const entry of readdirSync(functionsDir).filter((name) => name.endsWith(".ts"))) {
    const file = join(functionsDir, entry);
    const module = moduleOf(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/app\.http\(\s*"(\w+)",\s*\{([\s\S]*?)\}\s*\);/g)) {
      const handler = match[2]?.match(/handler:\s*(\w+)/)?.[1] ?? "";
      const imported = module.imports.get(handler);
      if (!imported) throw new Error(`${entry}: ${match[1]}'s handler ${handler} is not imported`);
      found.push({ operationId: match[1] ?? "", file: imported[0], handler: imported[1] });
    }
  }
  return found;
}

const key = (p: Pick<ParameterSpec, "in" | "name">) => `${p.in} ${p.name.toLowerCase()}`;

describe("openapi.json parameters", () => {
  const registered = registrations();

  it("finds every documented operation's handler", () => {
    expect(registered.map((r) => r.operationId).sort()).toEqual(
      operations.map((op) => op.operationId).sort(),
    );
  });

  it("documents every query parameter and request header a handler reads, and nothing it does not read", () => {
    const problems: string[] = [];
    for (const { operationId, file, handler } of registered) {
      const op = operations.find((candidate) => candidate.operationId === operationId);
      const documented = new Set((op?.parameters ?? []).map(key));
      const reads = readsFrom(file, handler);
      const read = new Set<string>();
      for (const r of reads) {
        if (r.name === undefined) {
          if (!dynamicReads[operationId])
            problems.push(`${operationId}: reads a ${r.in} by a variable (${r.at}); list it in dynamicReads`);
          continue;
        }
        if (r.in === "header" && standardHeaders.has(r.name.toLowerCase())) continue;
        read.add(key({ in: r.in, name: r.name }));
      }
      for (const r of dynamicReads[operationId] ?? []) read.add(key(r));
      for (const k of read) if (!documented.has(k)) problems.push(`${operationId}: reads ${k}, undocumented`);
      for (const k of documented)
        if (!read.has(k)) problems.push(`${operationId}: documents ${k}, never read`);
    }
    expect(problems).toEqual([]);
  });

  it("finds the reads it is meant to find (the scan itself works)", () => {
    const of = (operationId: string) => {
      const r = registered.find((candidate) => candidate.operationId === operationId);
      return r ? readsFrom(r.file, r.handler).map((read) => `${read.in} ${read.name ?? "?"}`) : [];
    };
    expect(of("getStatusFeed")).toEqual(
      expect.arrayContaining(["query seq", "query pageSize", "query orderBy", "query allTransitions"]),
    );
    expect(of("createOrderChain")).toContain("header varsel-idempotency");
    expect(of("createInstantEmail")).toContain("header varsel-idempotency");
    expect(of("dailySmsMetrics")).toContain("header x-api-key");
    expect(of("dashboardByNin")).toContain("header ?");
  });

  it("renders them, the 429 headers, the replay header and Altinn's 499 into the document", () => {
    const paths = openApiDocument("http://localhost/notifications/api/v1").paths as Record<
      string,
      Record<string, { parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>
    >;
    const parameters = (path: string, method: string) =>
      (paths[path]?.[method]?.parameters ?? []).map((p) => `${p.in} ${p.name}`);
    expect(parameters("/future/shipment/feed", "get")).toContain("query allTransitions");
    expect(parameters("/future/orders", "post")).toContain("header varsel-idempotency");
    expect(parameters("/metrics/sms", "post")).toContain("header X-API-Key");
    expect(paths["/future/orders"]?.["post"]?.responses["429"]).toMatchObject({
      headers: { "retry-after": { required: true }, ratelimit: {}, "ratelimit-policy": {} },
    });
    expect(paths["/future/orders"]?.["post"]?.responses["200"]).toMatchObject({
      headers: { "varsel-idempotency-replay": {} },
    });
    // Altinn's routes 10-18 list 499 NOT-00002.
    const altinn499 = [
      ["/future/orders", "post"],
      ["/future/orders/composed-email", "post"],
      ["/future/orders/instant/sms", "post"],
      ["/future/orders/instant/email", "post"],
      ["/future/orders/instant", "post"],
      ["/future/shipment/{id}", "get"],
      ["/future/shipment/feed", "get"],
      ["/future/dashboard/recipients/notifications/nin", "get"],
      ["/future/dashboard/recipients/notifications/orgnumber", "get"],
    ];
    for (const [path = "", method = ""] of altinn499) {
      expect(paths[path]?.[method]?.responses["499"], `${method} ${path}`).toMatchObject({
        description: expect.stringContaining("NOT-00002"),
      });
    }
  });
});
