"use strict";
// bench/latency: orders due at once through the local host, timed from the 201 of POST future/orders to the
// message reaching the outbox (email through the ACS endpoint, SMS through the LINK gateway). Prints p50/p95,
// the POST's own time, and the store writes (by kind) and queue operations per notification of orders
// released at intake, intake included (delivery reports apart).
// Usage: npm run build && node bench/latency.js [--orders 300] [--concurrency 4]
const { parseArgs } = require("node:util");
const { randomUUID } = require("node:crypto");
const {
  countReportMessages,
  countStoreWrites,
  percentile,
  printWriteKinds,
  startInProcess,
  token,
} = require("./support");

const { values } = parseArgs({
  options: { orders: { type: "string", default: "300" }, concurrency: { type: "string", default: "4" } },
});
const total = Number(values.orders);
const concurrency = Number(values.concurrency);

async function main() {
  const service = await startInProcess();
  const bearer = await token("991825827");
  const latencies = { email: [], sms: [] };
  const posts = [];
  const writes = countStoreWrites(service);
  const reportMessages = countReportMessages(service);
  const queueOps = () => {
    const stats = service.broker.stats();
    return ["published", "received", "completed", "abandoned"].reduce((sum, k) => sum + stats[k], 0);
  };
  const queueOpsBefore = queueOps();
  let next = 0;
  async function one(i) {
    const channel = i % 2 === 0 ? "email" : "sms";
    const address = channel === "email" ? `latency${i}@example.com` : `+4792${String(i).padStart(6, "0")}`;
    const recipient =
      channel === "email"
        ? { recipientEmail: { emailAddress: address, emailSettings: { subject: "Latency", body: "Hello" } } }
        : {
            recipientSms: {
              phoneNumber: address,
              smsSettings: { body: "Hello", sendingTimePolicy: "Anytime" },
            },
          };
    const captured = service.outbox.next((m) => m.to === address || m.to === address.slice(1));
    const posted = process.hrtime.bigint();
    const response = await fetch(`${service.host.apiUrl}/future/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({ idempotencyId: randomUUID(), recipient }),
    });
    if (response.status !== 201)
      throw new Error(`POST answered ${response.status}: ${await response.text()}`);
    const accepted = process.hrtime.bigint();
    posts.push(Number(accepted - posted) / 1e6);
    await captured;
    latencies[channel].push(Number(process.hrtime.bigint() - accepted) / 1e6);
  }
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) await one(next++);
      }),
    );
    for (const [channel, list] of Object.entries(latencies)) {
      list.sort((a, b) => a - b);
      console.log(
        `${channel.padEnd(5)} 201 → outbox: p50 ${percentile(list, 50).toFixed(1)} ms  p95 ${percentile(list, 95).toFixed(1)} ms  (${list.length} orders)`,
      );
    }
    posts.sort((a, b) => a - b);
    console.log(
      `POST future/orders: p50 ${percentile(posts, 50).toFixed(1)} ms  p95 ${percentile(posts, 95).toFixed(1)} ms`,
    );
    await service.settle();
    console.log(
      `store writes / notif.: ${(writes.send / total).toFixed(2)}  (intake and send path; ${(writes.report / total).toFixed(2)} for delivery reports)`,
    );
    printWriteKinds(writes, total);
    // Each report message is published, received and completed once.
    const sendQueueOps = queueOps() - queueOpsBefore - 3 * reportMessages.published;
    console.log(
      `queue ops / notif.: ${(sendQueueOps / total).toFixed(3)}  (send path of orders released at intake: process and send messages)`,
    );
    const all = [...latencies.email, ...latencies.sms].sort((a, b) => a - b);
    console.log(
      `all   201 → outbox: p50 ${percentile(all, 50).toFixed(1)} ms  p95 ${percentile(all, 95).toFixed(1)} ms  (target p50 <= 300 ms)`,
    );
  } finally {
    await service.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
