"use strict";
// bench/fanout: one order to N recipients (a mix of plain email, plain SMS, persons and organisations from a
// generated register copy), from its release to the last message in the outbox, through the local host.
// Prints notifications per second against the raw point-upsert rate of the same embedded store measured in
// the same run, store writes and queue operations per notification on the send path (delivery reports
// apart), and peak RSS. With two sizes it runs each in a fresh service and prints the rate ratio.
// Usage: npm run build && node bench/fanout.js [--recipients 10000,100000]
const { parseArgs } = require("node:util");
const { randomUUID } = require("node:crypto");
const { drainToOutbox, requireCompiled, startInProcess } = require("./support");

const { values } = parseArgs({ options: { recipients: { type: "string", default: "10000,100000" } } });
const sizes = values.recipients.split(",").map(Number);
const tenant = "991825827";

/** A valid fødselsnummer for the i-th generated person (mod-11 check digits; numbers needing a 10 skipped). */
function* nationalIdentityNumbers() {
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  for (let n = 0; ; n += 1) {
    const day = 1 + (n % 28);
    const month = 1 + (Math.floor(n / 28) % 12);
    const year = 40 + (Math.floor(n / 336) % 50);
    const individual = 100 + (Math.floor(n / 16800) % 400);
    const digits = [
      ...String(day).padStart(2, "0"),
      ...String(month).padStart(2, "0"),
      ...String(year).padStart(2, "0"),
      ...String(individual).padStart(3, "0"),
    ].map(Number);
    const k1 = (11 - (digits.reduce((s, d, i) => s + d * w1[i], 0) % 11)) % 11;
    if (k1 === 10) continue;
    const k2 = (11 - ([...digits, k1].reduce((s, d, i) => s + d * w2[i], 0) % 11)) % 11;
    if (k2 === 10) continue;
    yield [...digits, k1, k2].join("");
  }
}

/** A valid organisation number (mod-11) for the i-th generated organisation. */
function generatedOrganizationNumber(i) {
  const w = [3, 2, 7, 6, 5, 4, 3, 2];
  for (let n = i * 13; ; n += 1) {
    const digits = [...String(31000000 + n)].map(Number);
    const check = (11 - (digits.reduce((s, d, k) => s + d * w[k], 0) % 11)) % 11;
    if (check !== 10) return digits.join("") + check;
  }
}

/** The register copy and the recipient list: 50 % persons, 25 % plain email, 24 % plain SMS, 1 % organisations. */
function generate(count) {
  const ids = nationalIdentityNumbers();
  const persons = [];
  const organizations = [];
  const recipients = [];
  for (let i = 0; i < count; i += 1) {
    const kind = i % 100;
    if (kind < 50) {
      const nationalIdentityNumber = ids.next().value;
      persons.push({
        nationalIdentityNumber,
        email: `person${i}@example.com`,
        mobileNumber: `+4792${String(i).padStart(6, "0")}`,
        reserved: false,
        language: "nb",
      });
      recipients.push({ nationalIdentityNumber });
    } else if (kind < 75) recipients.push({ emailAddress: `plain${i}@example.com` });
    else if (kind < 99) recipients.push({ mobileNumber: `+4791${String(i).padStart(6, "0")}` });
    else {
      const organizationNumber = generatedOrganizationNumber(i);
      organizations.push({ organizationNumber, emails: [`post${i}@example.com`], mobileNumbers: [] });
      recipients.push({ organizationNumber });
    }
  }
  return { register: { persons, organizations, userContactPoints: [] }, recipients };
}

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
  const { upsertRegistryDocuments } = requireCompiled(
    "shared",
    "adapters",
    "cosmos",
    "cosmosContactRegistry.js",
  );
  const { containers } = requireCompiled("shared", "platform", "resources.js");
  const service = await startInProcess();
  try {
    service.clock.freeze("2026-11-23T09:00:00.000Z");
    const deps = await dependencies();
    const { register, recipients } = generate(count);
    const { createCosmosClient } = requireCompiled("shared", "adapters", "cosmos", "client.js");
    const client = createCosmosClient({
      endpoint: process.env.COSMOS_ENDPOINT,
      key: process.env.COSMOS_KEY,
      database: "varsel",
    });
    const database = client.database(process.env.COSMOS_DATABASE || "varsel");
    await upsertRegistryDocuments(database.container(containers.registry.name), register);

    const now = service.clock.now();
    const orderId = randomUUID();
    for (let part = 0; part * 1000 < recipients.length; part += 1)
      await deps.recipientLists.putPart(orderId, part, recipients.slice(part * 1000, (part + 1) * 1000));
    await deps.orders.createOrder({
      id: orderId,
      creator: tenant,
      api: "v2",
      type: "Notification",
      sendersReference: "fanout",
      requestedSendTime: now.toISOString(),
      created: now.toISOString(),
      notificationChannel: "EmailPreferred",
      conditionFailurePolicy: "send",
      recipients: [],
      recipientCount: recipients.length,
      emailTemplate: {
        fromAddress: "donotreply@varsel.local",
        subject: "Skattemeldingen er klar",
        body: "Hei, skattemeldingen din er klar.",
        contentType: "Plain",
        sendingTimePolicy: "Anytime",
      },
      smsTemplate: {
        senderNumber: "Varsel",
        body: "Skattemeldingen din er klar.",
        sendingTimePolicy: "Anytime",
      },
      status: "Registered",
      statusChangedAt: now.toISOString(),
      releaseCount: 0,
    });

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

    const { seconds, queueOps, deadLettered } = await drainToOutbox(service);
    const sent = service.outbox.list().length;
    // Each report message is published, received and completed once (none abandoned in this run).
    const sendQueueOps = queueOps - 3 * reportMessages.published;
    return {
      count,
      sent,
      seconds,
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
    console.log(`messages in outbox       : ${r.sent} in ${r.seconds.toFixed(1)} s`);
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
