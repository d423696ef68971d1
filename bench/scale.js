"use strict";
// bench/scale: what one order to a whole population costs on Azure, computed from the per-notification figures
// bench/fanout measures (store writes and reads, queue operations, notifications per second of one instance)
// and list prices. A model on paper, not a measurement: every input is a flag, its default the figure recorded
// in docs/scale.md, so the table can be recomputed when a figure or a price changes.
// Usage: node bench/scale.js [--recipients 5500000] [--writes 3.0] [--acsPerMinute 30000] ...
const { parseArgs } = require("node:util");

const inputs = {
  recipients: [5_500_000, "recipients in the order (one notification each)"],
  emailShare: [0.7, "share of notifications sent by email (the rest by SMS)"],
  writes: [2.8, "store writes per notification on the send path (bench/fanout)"],
  reportWrites: [1.0, "store writes per delivery report (bench/fanout)"],
  reads: [3.3, "point reads and queried documents per notification, send path and report (bench/fanout)"],
  queueOps: [0.04, "Service Bus operations per notification on the send path (bench/fanout)"],
  reportQueueOps: [3, "Service Bus operations per email report (Event Grid delivery, receive, complete)"],
  spans: [1.13, "spans the service ends per notification, send path and reports (bench/fanout)"],
  storeRequests: [0.37, "Cosmos requests per notification, send path and reports (bench/fanout)"],
  writeRu: [
    8,
    "RU per write of a ~1.5 KB document (default indexing; an upper bound with the declared paths)",
  ],
  readRu: [1, "RU per point read of a document up to 1 KB (2 for the larger notifications)"],
  instanceRate: [682, "notifications per second one 2 GB Functions instance sustains (bench/fanout)"],
  instances: [40, "Flex Consumption instances the app may scale to (maximumInstanceCount)"],
  acsPerMinute: [30_000, "ACS email quota per minute after a raise (default 30)"],
  linkPerSecond: [200, "SMS per second agreed with LINK"],
  maxRuPerSecond: [50_000, "Cosmos autoscale maximum RU/s of the notifications container"],
  hotContainerRu: [
    26,
    "RU per notification in the busiest container (notifications: create, send and report updates, two reads)",
  ],
  partitionRuPerSecond: [
    10_000,
    "most RU/s one physical partition serves: an order's notifications share one partition key",
  ],
  serverlessRuPerContainer: [5_000, "most RU/s a serverless container takes (up to 20,000 from 250 GB)"],
  emailKb: [20, "size of one email in KB (ACS bills data per MB)"],
  // List prices (USD, pay as you go, West Europe, checked 2026-12): see docs/scale.md.
  ruPerMillionServerless: [0.25, "USD per million RU, Cosmos DB serverless"],
  autoscalePer100RuHour: [0.012, "USD per 100 RU/s-hour at the autoscale maximum, Cosmos DB autoscale"],
  serviceBusPerMillion: [0.8, "USD per million operations beyond 13 million a month, Service Bus Standard"],
  gbSecond: [0.000026, "USD per GB-second, Flex Consumption on demand"],
  executionsPerMillion: [0.4, "USD per million executions, Flex Consumption"],
  acsPerEmail: [0.00025, "USD per email, ACS"],
  acsPerMb: [0.00012, "USD per MB of email data, ACS"],
  spanKb: [1, "billed KB per span in Log Analytics (an estimate: a dependency row with its dimensions)"],
  logsPerGb: [2.3, "USD per GB ingested, Log Analytics Analytics Logs (Application Insights)"],
};

const { values } = parseArgs({
  options: Object.fromEntries(Object.keys(inputs).map((k) => [k, { type: "string" }])),
});
const v = Object.fromEntries(
  Object.entries(inputs).map(([k, [fallback]]) => [
    k,
    values[k] === undefined ? fallback : Number(values[k]),
  ]),
);

const n = v.recipients;
const emails = n * v.emailShare;
const sms = n - emails;
const ruPerNotification = (v.writes + v.reportWrites) * v.writeRu + v.reads * v.readRu;
const totalRu = n * ruPerNotification;

// What each part allows per second; the order goes as fast as the slowest part allows. Cosmos limits RU/s per
// container: the busiest one (notifications) sets the pace.
const limits = {
  "ACS quota (emails)": v.acsPerMinute / 60 / v.emailShare,
  "LINK throughput (SMS)": v.linkPerSecond / (1 - v.emailShare),
  "Cosmos serverless": v.serverlessRuPerContainer / v.hotContainerRu,
  "Cosmos autoscale": v.maxRuPerSecond / v.hotContainerRu,
  "one order's partition": v.partitionRuPerSecond / v.hotContainerRu,
  "Functions instances": v.instanceRate * v.instances,
};
/** The slowest part and its rate, with Cosmos in one capacity mode. */
function pace(mode) {
  const other = mode === "Cosmos serverless" ? "Cosmos autoscale" : "Cosmos serverless";
  const [name, perSecond] = Object.entries(limits)
    .filter(([k]) => k !== other)
    .sort((a, b) => a[1] - b[1])[0];
  return { name, perSecond, seconds: n / perSecond };
}
const serverless = pace("Cosmos serverless");
const autoscale = pace("Cosmos autoscale");

const queueOps = n * v.queueOps + emails * v.reportQueueOps;
// Ours, and the dependency span the Azure Monitor distro adds for each outbound request: each Cosmos request,
// each email's ACS POST (LINK submissions carry many messages and are left out).
const spans = n * (v.spans + v.storeRequests) + emails;
const instanceSeconds = n / v.instanceRate;
const executions = n * v.queueOps + emails + sms; // send-path invocations, plus one per report at worst
const cost = {
  "Cosmos DB serverless": (totalRu / 1e6) * v.ruPerMillionServerless,
  "Cosmos DB autoscale (for the run)":
    (v.maxRuPerSecond / 100) * v.autoscalePer100RuHour * (autoscale.seconds / 3600),
  "Service Bus Standard": (queueOps / 1e6) * v.serviceBusPerMillion,
  "Functions Flex Consumption":
    instanceSeconds * 2 * v.gbSecond + (executions / 1e6) * v.executionsPerMillion,
  "ACS email": emails * v.acsPerEmail + ((emails * v.emailKb) / 1024) * v.acsPerMb,
  "Application Insights": ((spans * v.spanKb) / 1e6) * v.logsPerGb,
};

const fmt = (x, d = 0) => x.toLocaleString("en-GB", { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`order                       : ${fmt(n)} recipients (${fmt(emails)} email, ${fmt(sms)} SMS)`);
console.log(`RU per notification         : ${fmt(ruPerNotification, 1)} (send path and report)`);
console.log(`RU in all                   : ${fmt(totalRu / 1e6, 1)} million`);
console.log(`queue operations in all     : ${fmt(queueOps / 1e6, 2)} million`);
console.log(`spans in all                : ${fmt(spans / 1e6, 1)} million (traces, all kept)`);
for (const [name, perSecond] of Object.entries(limits))
  console.log(`limit: ${name.padEnd(22)}: ${fmt(perSecond)} notifications/s`);
for (const [mode, run] of [
  ["serverless", serverless],
  ["autoscale", autoscale],
])
  console.log(
    `time with ${mode.padEnd(17)}: ${fmt(run.seconds / 3600, 1)} h (${fmt(run.perSecond)} notifications/s; limit: ${run.name})`,
  );
for (const [name, usd] of Object.entries(cost)) console.log(`cost: ${name.padEnd(23)}: USD ${fmt(usd, 2)}`);
