"use strict";
// bench/storeSort: the embedded store's ORDER BY, the query engine's own sort against ours
// (shared/local/linearQueryEngine.ts), in one run on the same documents. Two query shapes of the sweeper over
// N orders: due orders (90 % match, already in `_rid` order, as orders are created) and orders whose sweepAt
// has come (half match, in no order). Prints milliseconds per query and per sort, and the ratios.
// Usage: npm run build && node bench/storeSort.js [--orders 100000] [--runs 5]
const { parseArgs } = require("node:util");
const { createRequire } = require("node:module");
const { requireCompiled, root } = require("./support");

const { values } = parseArgs({
  options: { orders: { type: "string", default: "100000" }, runs: { type: "string", default: "5" } },
});
const [count, runs] = [Number(values.orders), Number(values.runs)];

const engineRequire = createRequire(require.resolve("@vercel/cosmosdb-server", { paths: [root] }));
const query = engineRequire("@zeit/cosmosdb-query").default;
const helpers = engineRequire("@zeit/cosmosdb-query/lib/helpers");
const engineSort = helpers.sort;
requireCompiled("shared", "local", "linearQueryEngine.js").useLinearQueryEngine();
const keyedSort = helpers.sort;

const t0 = Date.parse("2026-11-23T09:00:00.000Z");
const orders = Array.from({ length: count }, (_, i) => ({
  id: `order-${i}`,
  pk: `order-${i}`,
  _rid: `rid-${String(i).padStart(9, "0")}`,
  docType: "order",
  status: i % 10 === 0 ? "Completed" : "Registered",
  requestedSendTime: new Date(t0).toISOString(),
  ...(i % 2 ? { sweepAt: new Date(t0 + ((i * 7919) % 600_000)).toISOString() } : {}),
}));
const compositeIndexes = [
  [
    { path: "/status", order: "ascending" },
    { path: "/requestedSendTime", order: "ascending" },
  ],
];
const shapes = {
  due: "SELECT TOP 50 * FROM c WHERE c.docType = 'order' AND c.status = 'Registered' AND c.requestedSendTime <= '2026-11-23T10:00:00.000Z' ORDER BY c.status ASC, c.requestedSendTime ASC",
  sweep:
    "SELECT TOP 50 * FROM c WHERE c.docType = 'order' AND c.sweepAt <= '2026-11-23T10:00:00.000Z' AND NOT IS_DEFINED(c.quarantine) ORDER BY c.sweepAt ASC",
};

/** Milliseconds per query and per sort with `sort` in the engine; the first 50 ids, to compare results. */
function measure(text, sort) {
  let sorting = 0n;
  helpers.sort = (...args) => {
    const started = process.hrtime.bigint();
    const sorted = sort(...args);
    sorting += process.hrtime.bigint() - started;
    return sorted;
  };
  const started = process.hrtime.bigint();
  let ids = [];
  for (let i = 0; i < runs; i += 1)
    ids = query(text)
      .exec(orders, { compositeIndexes })
      .result.map((o) => o.id);
  const perRun = (ns) => Number(ns) / 1e6 / runs;
  return { query: perRun(process.hrtime.bigint() - started), sort: perRun(sorting), ids: ids.join() };
}

for (const [shape, text] of Object.entries(shapes)) {
  const engine = measure(text, engineSort);
  const keyed = measure(text, keyedSort);
  if (engine.ids !== keyed.ids) throw new Error(`${shape}: the two sorts gave different results`);
  console.log(
    `${shape.padEnd(5)} over ${count}: query ${engine.query.toFixed(0)} → ${keyed.query.toFixed(0)} ms (${(engine.query / keyed.query).toFixed(2)}×), sort ${engine.sort.toFixed(0)} → ${keyed.sort.toFixed(0)} ms (${(engine.sort / keyed.sort).toFixed(2)}×); same results`,
  );
}
