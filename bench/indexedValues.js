"use strict";
// bench/indexedValues: what Cosmos DB indexes on the writes of a fan-out and of single orders. Every document
// the service writes is read off the embedded store's requests (single writes and each write of a bulk or
// batch request), and its scalar values are counted twice: under Cosmos DB's default policy (every path) and
// under the container's declared one (shared/platform/resources.ts indexedPaths, every other path excluded).
// The index part of a write's RU grows with the values it indexes; the embedded store bills no RU, so this
// counts what drives it. Send path and delivery reports together, per notification.
// Usage: npm run build && node bench/indexedValues.js [--recipients 2000] [--orders 2000]
const http = require("node:http");
const { parseArgs } = require("node:util");
const {
  drainToOutbox,
  requireCompiled,
  storeSingleOrders,
  startServiceWithProviders,
  uploadBulkOrder,
} = require("./support");

const { values } = parseArgs({
  options: {
    recipients: { type: "string", default: "2000" },
    orders: { type: "string", default: "2000" },
  },
});

const { containers } = requireCompiled("shared", "platform", "resources.js");
const { isIndexed } = requireCompiled("shared", "local", "indexCoverage.js");
const declaredPolicy = Object.fromEntries(
  Object.values(containers).map((c) => [
    c.name,
    { includedPaths: c.indexedPaths.map((path) => ({ path })), excludedPaths: [{ path: "/*" }] },
  ]),
);
const systemProperties = new Set(["_rid", "_self", "_etag", "_attachments", "_ts", "_lsn"]);

/** The path of every scalar value of a document (`/recipient/address`, `/recipients/[]/destination`). */
function* scalarPaths(value, path = "") {
  if (Array.isArray(value)) for (const item of value) yield* scalarPaths(item, `${path}/[]`);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value))
      if (!(path === "" && systemProperties.has(key))) yield* scalarPaths(item, `${path}/${key}`);
  } else yield path;
}

const tally = new Map();
function count(container, document) {
  const policy = declaredPolicy[container];
  if (!policy) return;
  const row = tally.get(container) ?? { documents: 0, everyPath: 0, declared: 0 };
  row.documents += 1;
  for (const path of scalarPaths(document)) {
    row.everyPath += 1;
    if (isIndexed(path, policy)) row.declared += 1;
  }
  tally.set(container, row);
}

const writtenOperations = new Set(["Create", "Upsert", "Replace"]);
/** Counts the documents a write request carries, once its body is in. */
function watch(req) {
  const match = /\/colls\/([^/]+)\/docs/.exec(req.url ?? "");
  const isQuery = req.headers["x-ms-documentdb-isquery"] !== undefined;
  if (!match || isQuery || !["POST", "PUT"].includes(req.method)) return;
  const container = decodeURIComponent(match[1]);
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    if (req.headers["x-ms-cosmos-is-batch-request"] !== undefined) {
      for (const operation of body ?? [])
        if (writtenOperations.has(operation.operationType)) count(container, operation.resourceBody);
    } else if (body) count(container, body);
  });
}

const createServer = http.createServer;
http.createServer = (...args) => createServer(...args).on("request", watch);

function report(title, notifications) {
  const rows = [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const total = rows.reduce(
    (sum, [, r]) => ({
      documents: sum.documents + r.documents,
      everyPath: sum.everyPath + r.everyPath,
      declared: sum.declared + r.declared,
    }),
    { documents: 0, everyPath: 0, declared: 0 },
  );
  const per = (n) => (n / notifications).toFixed(1);
  console.log(`${title}: ${notifications} notifications`);
  console.log("  container            documents / n   indexed values / n: every path   declared paths");
  for (const [name, r] of [...rows, ["all", total]])
    console.log(
      `  ${name.padEnd(20)} ${per(r.documents).padStart(13)}   ${per(r.everyPath).padStart(30)}   ${per(r.declared).padStart(14)}`,
    );
  console.log(`  declared / every path: ${(total.declared / total.everyPath).toFixed(2)}`);
  tally.clear();
}

async function main() {
  const service = await startServiceWithProviders("inline");
  try {
    service.clock.freeze("2026-11-23T09:00:00.000Z");
    const sendAt = new Date(service.clock.now().getTime() + 60_000);
    await uploadBulkOrder(service, Number(values.recipients), sendAt);
    tally.clear(); // the upload is intake, not the send path
    service.clock.freeze(sendAt);
    let before = service.outbox.count();
    await drainToOutbox(service);
    report(`fan-out of ${values.recipients} recipients`, service.outbox.count() - before);

    await storeSingleOrders(service.dependencies(), Number(values.orders), service.clock.now());
    tally.clear(); // the orders as the intake stored them
    before = service.outbox.count();
    await drainToOutbox(service);
    report(`${values.orders} single-recipient orders`, service.outbox.count() - before);
  } finally {
    await service.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
