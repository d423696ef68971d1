"use strict";
// bench/fanout: one bulk order to N recipients (a mix of plain email, plain SMS, persons and organisations from
// a generated register copy), from its upload through the API (create, NDJSON parts, submit) to the last
// message in the outbox, through the local host; the rate counts the upload's time too.
// Prints notifications per second against the raw point-upsert rate of the same embedded store measured in
// the same run, store writes and queue operations per notification on the send path (delivery reports
// apart), and peak RSS. With two sizes it runs each in a fresh service and prints the rate ratio.
// Usage: npm run build && node bench/fanout.js [--recipients 10000,100000]
const { parseArgs } = require("node:util");
const { drainToOutbox, requireCompiled, startInProcess, uploadBulkOrder } = require("./support");

const { values } = parseArgs({ options: { recipients: { type: "string", default: "10000,100000" } } });
const sizes = values.recipients.split(",").map(Number);

const writeMethods = /^(create|update|put|append|save|remove|mark|quarantine)/;
/** Wraps a port so every written document is counted; `*Many` methods count each document. */
function counting(port, counter, bucket) {
  return new Proxy(port, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      if (!writeMethods.test(String(name))) return value.bind(target);
      return (...args) => {
        const documents = String(name).endsWith("Many") ? args[0].length : 1;
        counter[bucket(String(name))] += documents;
        return value.apply(target, args);
      };
    },
  });
}

/** Point upserts of small documents by 16 concurrent callers: the store's raw write rate, measured now. */
async function rawUpsertRate(database) {
  const { containers } = requireCompiled("shared", "platform", "resources.js");
  const container = database.container(containers.deadDeliveryReports.name);
  const total = 5000;
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < total; i = next++)
        await container.items.upsert({ id: `raw-${i}`, pk: `raw-${i}` });
    }),
  );
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function run(count) {
  const { dependencies, useDependencies } = requireCompiled("shared", "app", "dependencies.js");
  const service = await startInProcess();
  try {
    service.clock.freeze("2026-11-23T09:00:00.000Z");
    const deps = await dependencies();
    // Due a minute from now: the upload and submission are timed on their own, and the send path is counted
    // from the order's release (the clock moves on below).
    const sendAt = new Date(service.clock.now().getTime() + 60_000);
    const { database, uploadSeconds } = await uploadBulkOrder(service, count, sendAt);
    const raw = await rawUpsertRate(database);

    // Send path and report path apart: a report changes a notification with a single `update`.
    const writes = { send: 0, report: 0 };
    const counted = { ...deps };
    for (const key of ["orders", "notifications", "references", "statusFeed", "sendBatches", "deadReports"])
      counted[key] = counting(deps[key], writes, (name) =>
        key === "notifications" && name === "update" ? "report" : "send",
      );
    useDependencies(counted);
    const reportMessages = { published: 0 };
    const publish = service.broker.publish.bind(service.broker);
    service.broker.publish = (queue, messages) => {
      if (queue === "deliveryReports") reportMessages.published += messages.length;
      return publish(queue, messages);
    };

    service.clock.freeze(sendAt);
    const { seconds: drainSeconds, queueOps, deadLettered } = await drainToOutbox(service);
    const seconds = uploadSeconds + drainSeconds;
    const sent = service.outbox.list().length;
    // Each report message is published, received and completed once (none abandoned in this run).
    const sendQueueOps = queueOps - 3 * reportMessages.published;
    return {
      count,
      sent,
      seconds,
      uploadSeconds,
      rate: sent / seconds,
      raw,
      writesPerNotification: writes.send / sent,
      reportWritesPerNotification: writes.report / sent,
      queueOpsPerNotification: sendQueueOps / sent,
      deadLettered,
    };
  } finally {
    await service.close();
  }
}

async function main() {
  const results = [];
  for (const size of sizes) {
    const r = await run(size);
    results.push(r);
    console.log(`recipients               : ${r.count}`);
    console.log(
      `messages in outbox       : ${r.sent} in ${r.seconds.toFixed(1)} s  (upload and submit ${r.uploadSeconds.toFixed(1)} s)`,
    );
    console.log(`notifications per second : ${r.rate.toFixed(1)}`);
    console.log(`raw point upserts / s    : ${r.raw.toFixed(1)}  (same store, same run)`);
    console.log(`ratio                    : ${(r.rate / r.raw).toFixed(2)}  (target ≥ 0.25)`);
    console.log(
      `store writes / notif.    : ${r.writesPerNotification.toFixed(2)}  (send path; target ≤ 3.5)`,
    );
    console.log(`report writes / notif.   : ${r.reportWritesPerNotification.toFixed(2)}  (delivery reports)`);
    console.log(
      `queue ops / notif.       : ${r.queueOpsPerNotification.toFixed(3)}  (send path; target ≤ 0.2)`,
    );
    console.log(`dead-lettered            : ${r.deadLettered}`);
  }
  console.log(
    `peak RSS                 : ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB  (target ≤ 400)`,
  );
  if (results.length > 1) {
    const [first, last] = [results[0], results[results.length - 1]];
    console.log(
      `rate at ${last.count} / rate at ${first.count}: ${(last.rate / first.rate).toFixed(2)}  (target within 20 %)`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
