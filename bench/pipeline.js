"use strict";
// bench/pipeline: N single-recipient orders (mixed email/SMS, persons and plain addresses), all due, from
// release to outbox through the local host. Prints notifications per second, peak RSS, store writes and
// queue operations per notification on the send path, delivery reports apart (counted by wrapping the store
// ports, as bench/fanout does, and from the broker's counters).
// Usage: npm run build && node bench/pipeline.js [--orders 10000]
//          [--store process|inline] [--providers process|inline] [--finished 0]
const { parseArgs } = require("node:util");
const {
  countBulkOperations,
  countingCosmos,
  countStoreWrites,
  countReportMessages,
  drainToOutbox,
  printWriteKinds,
  storeSingleOrders,
  startServiceWithProviders,
  startStoreProcess,
} = require("./support");

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    // "process": the store in a process of its own, as on Azure (the peak RSS is the service's alone);
    // "inline": the store inside this process, as `npm start` runs it.
    store: { type: "string", default: "process" },
    // "process": the local ACS and LINK in a process of their own, as the providers are on Azure (the service's
    // CPU and RSS are then its own); "inline": inside the service's process, as `npm start` runs them.
    providers: { type: "string", default: "process" },
    // Orders finished before the run, in the same container: the sweeper's queries pass over them, so a run
    // with them tells what the container's size costs apart from the work's.
    finished: { type: "string", default: "0" },
  },
});
const total = Number(values.orders);

async function main() {
  const store = values.store === "process" ? await startStoreProcess() : await countingCosmos();
  if (values.store === "process")
    [process.env.COSMOS_ENDPOINT, process.env.COSMOS_KEY] = [store.endpoint, store.key];
  const bulkOperations = countBulkOperations();
  const bulkWrites = () =>
    ["Create", "Upsert", "Replace", "Patch", "Delete"].reduce((sum, k) => sum + (bulkOperations[k] ?? 0), 0);
  const service = await startServiceWithProviders(values.providers);
  try {
    service.clock.freeze("2026-11-23T09:00:00.000Z");
    const deps = service.dependencies();
    const writes = countStoreWrites(service);
    const reportMessages = countReportMessages(service);

    const now = service.clock.now();
    await storeSingleOrders(deps, Number(values.finished), now, "Completed");
    await storeSingleOrders(deps, total, now);
    const singleWritesBefore = (await store.counts()).singleWrites;
    const bulkWritesBefore = bulkWrites();
    const { seconds, queueOps, deadLettered } = await drainToOutbox(service);
    const sent = service.outbox.count();
    const notifications = sent;
    const cosmosWrites =
      (await store.counts()).singleWrites - singleWritesBefore + bulkWrites() - bulkWritesBefore;
    console.log(`orders                  : ${total}`);
    console.log(`messages in outbox      : ${sent} in ${seconds.toFixed(1)} s`);
    console.log(`notifications per second: ${(notifications / seconds).toFixed(1)}`);
    console.log(
      `peak RSS                : ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB  (the service${values.store === "process" ? "" : " and its store"}${values.providers === "process" ? "" : ", the local providers"})`,
    );
    console.log(
      `store writes / notif.   : ${(writes.send / notifications).toFixed(2)}  (send path: each document written at the store ports; target ≤ 3.5)`,
    );
    printWriteKinds(writes, notifications);
    console.log(
      `report writes / notif.  : ${(writes.report / notifications).toFixed(2)}  (delivery reports)`,
    );
    console.log(
      `Cosmos writes / notif.  : ${(cosmosWrites / notifications).toFixed(2)}  (send path and reports: single write requests the store served, and each write of a bulk request)`,
    );
    // Each report message is published, received and completed once (none abandoned in this run).
    const sendQueueOps = queueOps - 3 * reportMessages.published;
    console.log(
      `queue ops / notif.      : ${(sendQueueOps / notifications).toFixed(3)}  (send path: publish + receive + complete + abandon; target ≤ 0.2)`,
    );
    console.log(`report queue ops / n.   : ${((3 * reportMessages.published) / notifications).toFixed(3)}`);
    console.log(`dead-lettered           : ${deadLettered}`);
  } finally {
    await service.close();
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
