"use strict";
// bench/storeSort: the embedded store's TOP … ORDER BY, the query engine's own sort against ours
// (shared/local/linearQueryEngine.ts: every row's keys read once, then only the best TOP rows kept), in one
// run on the same documents. Two query shapes of the sweeper over N orders: due orders (90 % match, already in
// `_rid` order, as orders are created) and orders whose sweepAt has come (half match, in no order). Prints
// milliseconds per query and per sort for the engine's sort, our full sort and our TOP selection.
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
const keyedTop = helpers.sortTop;

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

/** Milliseconds per query and per sort with `top` taking the TOP rows; the first 50 ids, to compare results. */
function measure(text, top) {
  let sorting = 0n;
  helpers.sortTop = (...args) => {
    const started = process.hrtime.bigint();
    const sorted = top(...args);
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

const sortThenSlice =
  (sort) =>
  (limit, ...args) =>
    sort(...args).slice(0, limit);
const variants = { engine: sortThenSlice(engineSort), keyed: sortThenSlice(keyedSort), top: keyedTop };
for (const [shape, text] of Object.entries(shapes)) {
  const results = Object.fromEntries(
    Object.entries(variants).map(([name, top]) => [name, measure(text, top)]),
  );
  for (const [name, { ids }] of Object.entries(results))
    if (ids !== results.engine.ids) throw new Error(`${shape}: ${name} gave other results than the engine`);
  const { engine, keyed, top } = results;
  const line = (key) =>
    `${engine[key].toFixed(0)} → ${keyed[key].toFixed(0)} → ${top[key].toFixed(0)} ms (${(engine[key] / top[key]).toFixed(2)}×)`;
  console.log(`${shape.padEnd(5)} over ${count}: query ${line("query")}, sort ${line("sort")}; same results`);
}
console.log("(the engine's sort → ours, every row → ours, the TOP rows only)");
