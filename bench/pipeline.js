"use strict";
// bench/pipeline: N single-recipient orders (mixed email/SMS, persons and plain addresses), all due, from
// release to outbox through the local host. Prints notifications per second, peak RSS, store writes and
// queue operations per notification (counted by wrapping the store ports and from the broker's counters).
// Usage: npm run build && node bench/pipeline.js [--orders 10000]
const { parseArgs } = require("node:util");
const { randomUUID } = require("node:crypto");
const { countBulkOperations, countingCosmos, drainToOutbox, startInProcess } = require("./support");

const { values } = parseArgs({ options: { orders: { type: "string", default: "10000" } } });
const total = Number(values.orders);
const persons = ["15838510075", "02879110001", "11840210040"];

/** Wraps a port so every write is counted; createMany counts each document it creates. */
function countingWrites(port, counter) {
  return new Proxy(port, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      if (!/^(create|update|put|append|save|delete|mark)/.test(String(name))) return value.bind(target);
      return (...args) => {
        counter.writes += name === "createMany" ? args[0].length : 1;
        return value.apply(target, args);
      };
    },
  });
}

function orderFor(i, now) {
  const kind = i % 4;
  const created = now.toISOString();
  const email = {
    fromAddress: "donotreply@varsel.local",
    subject: `Order ${i}`,
    body: "You have a new message.",
    contentType: "Plain",
    sendingTimePolicy: "Anytime",
  };
  const sms = { senderNumber: "Varsel", body: `Message ${i}`, sendingTimePolicy: "Anytime" };
  const recipients = [
    [{ emailAddress: `user${i}@example.com` }, "Email"],
    [{ mobileNumber: `+4791${String(i).padStart(6, "0")}` }, "Sms"],
    [{ nationalIdentityNumber: persons[i % persons.length] }, "EmailPreferred"],
    [{ nationalIdentityNumber: persons[i % persons.length] }, "Sms"],
  ][kind];
  return {
    id: randomUUID(),
    creator: "991825827",
    api: "v2",
    type: "Notification",
    sendersReference: `pipeline-${i}`,
    requestedSendTime: created,
    created,
    notificationChannel: recipients[1],
    conditionFailurePolicy: "send",
    recipients: [recipients[0]],
    emailTemplate: email,
    smsTemplate: sms,
    status: "Registered",
    statusChangedAt: created,
    releaseCount: 0,
  };
}

async function main() {
  const cosmos = await countingCosmos();
  const bulkOperations = countBulkOperations();
  const bulkWrites = () =>
    ["Create", "Upsert", "Replace", "Patch", "Delete"].reduce((sum, k) => sum + (bulkOperations[k] ?? 0), 0);
  const service = await startInProcess();
  try {
    service.clock.freeze("2026-11-23T09:00:00.000Z");
    const deps = service.dependencies();
    const counter = { writes: 0 };
    const counted = { ...deps };
    for (const key of ["orders", "notifications", "references", "statusFeed", "deadReports"])
      counted[key] = countingWrites(deps[key], counter);
    service.wrapDependencies(() => counted);

    const now = service.clock.now();
    for (let i = 0; i < total; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, total - i) }, (_, j) =>
          deps.orders.createOrder(orderFor(i + j, now)),
        ),
      );
    }
    counter.writes = 0;
    cosmos.counter.writes = 0;
    const bulkWritesBefore = bulkWrites();
    const { seconds, queueOps, deadLettered } = await drainToOutbox(service);
    const sent = service.outbox.count();
    const notifications = sent;
    console.log(`orders                  : ${total}`);
    console.log(`messages in outbox      : ${sent} in ${seconds.toFixed(1)} s`);
    console.log(`notifications per second: ${(notifications / seconds).toFixed(1)}`);
    console.log(`peak RSS                : ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
    console.log(
      `store writes / notif.   : ${(counter.writes / notifications).toFixed(2)}  (port write calls)`,
    );
    console.log(
      `Cosmos writes / notif.  : ${((cosmos.counter.writes + bulkWrites() - bulkWritesBefore) / notifications).toFixed(2)}  (single write requests the store served, and each write of a bulk request)`,
    );
    console.log(
      `queue ops / notif.      : ${(queueOps / notifications).toFixed(2)}  (publish + receive + complete + abandon)`,
    );
    console.log(`dead-lettered           : ${deadLettered}`);
  } finally {
    await service.close();
    await cosmos.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
