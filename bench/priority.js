"use strict";
// bench/priority: single orders due now while a bulk fan-out runs. One order to N recipients (the fan-out
// bench's generated register and recipient mix) is released and drained to the outbox; meanwhile single
// future orders to a plain email address or SMS number, due now, are posted over HTTP, spread over the run.
// Prints each single order's time from its POST to its message in the outbox (p50/p95/p99/max) and how many
// were posted while the bulk order was still sending. `--lanes one` runs the same with every bulk message moved
// onto the priority queues, as before the lanes, for comparison (run it as a second command: the compiled
// dependencies are built once per process). Provider pacing is off unless set.
// Usage: npm run build && node bench/priority.js [--recipients 100000] [--singles 200] [--lanes two|one] [--store process|inline]
//   [--interval <ms between single orders; default spreads them over the expected run>]
const { parseArgs } = require("node:util");
const {
  drainToOutbox,
  percentile,
  registerBulkOrder,
  startInProcess,
  startStoreProcess,
  token,
} = require("./support");

const { values } = parseArgs({
  options: {
    recipients: { type: "string", default: "100000" },
    singles: { type: "string", default: "200" },
    lanes: { type: "string", default: "two" },
    interval: { type: "string" },
    // "process": the store in a process of its own, as Cosmos DB is on Azure (its scans and bulk writes do not
    // hold the service's event loop); "inline": inside the service's process, as `npm start` runs it.
    store: { type: "string", default: "process" },
  },
});
// Provider pacing (docs/providers.md) holds a bulk order to the providers' agreed rates; this bench measures the
// lanes, so pacing is off unless set.
process.env.PACING_ACS_PER_MINUTE ??= "0";
process.env.PACING_LINK_PER_MINUTE ??= "0";
const recipients = Number(values.recipients);
const singles = Number(values.singles);
const tenant = "991825827";
/**
 * Notifications per second of this bench's bulk order on this machine (100,000 recipients in 199–235 s,
 * 2026-12-07), so that the single orders are spread over its send.
 */
const expectedFanoutRate = 470;
const intervalMs = values.interval
  ? Number(values.interval)
  : Math.max(20, Math.round(((recipients / expectedFanoutRate) * 1000) / (singles * 1.25)));

/** Before the lanes: every message of the bulk order went to the queue the priority lane uses now. */
const oneLane = { processOrderBulk: "processOrder", sendEmailBulk: "sendEmail", sendSmsBulk: "sendSms" };

function singleOrder(i) {
  if (i % 2 === 0) {
    const address = `urgent${i}@example.net`;
    return {
      address,
      recipient: {
        recipientEmail: { emailAddress: address, emailSettings: { subject: "Kode", body: "Hei" } },
      },
    };
  }
  const address = `+4793${String(i).padStart(6, "0")}`;
  return {
    address,
    recipient: {
      recipientSms: { phoneNumber: address, smsSettings: { body: "Kode", sendingTimePolicy: "Anytime" } },
    },
  };
}

async function postSingle(service, bearer, i) {
  const { address, recipient } = singleOrder(i);
  const captured = service.outbox.next((m) => m.to === address || m.to === address.slice(1));
  const started = process.hrtime.bigint();
  const response = await fetch(`${service.host.apiUrl}/future/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: JSON.stringify({ idempotencyId: `priority-${i}`, recipient }),
  });
  if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  const accepted = process.hrtime.bigint();
  await captured;
  const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;
  return { total: ms(started), afterAccept: ms(accepted) };
}

async function run(lanes, watch) {
  const store = values.store === "process" ? await startStoreProcess() : undefined;
  if (store) [process.env.COSMOS_ENDPOINT, process.env.COSMOS_KEY] = [store.endpoint, store.key];
  const service = await startInProcess();
  try {
    service.clock.freeze("2026-11-23T09:00:00.000Z"); // Monday 10:00 in Oslo
    const deps = service.dependencies();
    await registerBulkOrder(service, deps, recipients);
    if (lanes === "one") {
      const publish = service.broker.publish.bind(service.broker);
      service.broker.publish = (queue, messages) => publish(oneLane[queue] ?? queue, messages);
    }
    const bearer = await token(tenant);
    // The host fetches its token signing keys on the first authenticated request; do that before the load.
    const warmUp = await fetch(`${service.host.apiUrl}/future/shipment/feed?seq=0`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    if (warmUp.status !== 200) throw new Error(`the feed answered ${warmUp.status}: ${await warmUp.text()}`);

    let bulkDone = false;
    watch.start();
    await store?.watch();
    const bulk = drainToOutbox(service).then((result) => {
      bulkDone = true;
      return result;
    });
    const latencies = [];
    const afterAccept = [];
    const failures = [];
    const pending = [];
    let duringBulk = 0;
    for (let i = 0; i < singles; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (!bulkDone) duringBulk += 1;
      pending.push(
        postSingle(service, bearer, i).then(
          (ms) => {
            latencies.push(ms.total);
            afterAccept.push(ms.afterAccept);
          },
          (error) => failures.push(error.cause?.code ?? error.message),
        ),
      );
    }
    const { seconds } = await bulk;
    const storeTiming = await store?.timing();
    // A single send that met a failure is re-driven by the sweeper, on the service clock: keep both moving.
    let settled = false;
    void Promise.all(pending).then(() => (settled = true));
    for (let round = 0; !settled && round < 60; round += 1) await drainToOutbox(service);
    const missing = singles - latencies.length - failures.length;
    const sent = service.outbox.count() - singles;
    latencies.sort((a, b) => a - b);
    afterAccept.sort((a, b) => a - b);
    return {
      failures,
      missing,
      storeTiming,
      afterAcceptP50: percentile(afterAccept, 50),
      afterAcceptP99: percentile(afterAccept, 99),
      lanes,
      sent,
      seconds,
      duringBulk,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1],
    };
  } finally {
    await service.close();
    await store?.close();
  }
}

/**
 * How long the service's event loop was held (its longest delays) and how long garbage collection paused it,
 * from `start` (the bulk order's send, after start-up) to `stop`: what a request that waits before its 201
 * waits on.
 */
function eventLoopWatch() {
  const { monitorEventLoopDelay, PerformanceObserver } = require("node:perf_hooks");
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const pauses = [];
  const observer = new PerformanceObserver((list) =>
    pauses.push(...list.getEntries().map((e) => e.duration)),
  );
  return {
    start() {
      delay.enable();
      observer.observe({ entryTypes: ["gc"] });
    },
    stop() {
      delay.disable();
      observer.disconnect();
      pauses.sort((a, b) => a - b);
      return {
        delayP99: delay.percentile(99) / 1e6,
        delayMax: delay.max / 1e6,
        gcLongest: pauses.slice(-3).reverse(),
        gcTotal: pauses.reduce((sum, d) => sum + d, 0),
      };
    },
  };
}

async function main() {
  const watch = eventLoopWatch();
  const r = await run(values.lanes, watch);
  const loop = watch.stop();
  const lanes = r.lanes === "two" ? "two (bulk queues apart)" : "one (all on the priority queues)";
  const { p50, p95, p99, max } = r;
  console.log(`lanes                    : ${lanes}`);
  console.log(
    `bulk order               : ${recipients} recipients, ${r.sent} in outbox in ${r.seconds.toFixed(1)} s`,
  );
  console.log(
    `single orders            : ${singles}, one every ${intervalMs} ms, ${r.duringBulk} posted while the bulk order was sending`,
  );
  console.log(
    `POST → outbox            : p50 ${p50.toFixed(0)} ms  p95 ${p95.toFixed(0)} ms  p99 ${p99.toFixed(0)} ms  max ${max.toFixed(0)} ms  (target p99 ≤ 1000 ms)`,
  );
  if (r.missing > 0) console.log(`not in the outbox        : ${r.missing} single order(s) after 60 sweeps`);
  if (r.failures.length > 0)
    console.log(`POST failed              : ${r.failures.length} (${[...new Set(r.failures)].join(", ")})`);
  console.log(
    `201 → outbox             : p50 ${r.afterAcceptP50.toFixed(0)} ms  p99 ${r.afterAcceptP99.toFixed(0)} ms`,
  );
  console.log(`peak RSS                 : ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  console.log(
    `event loop delay (send)  : p99 ${loop.delayP99.toFixed(0)} ms  max ${loop.delayMax.toFixed(0)} ms; garbage collection: longest pauses ${loop.gcLongest.map((d) => d.toFixed(0)).join(", ")} ms, ${(loop.gcTotal / 1000).toFixed(1)} s in all`,
  );
  const s = r.storeTiming;
  if (s)
    console.log(
      `store (send)             : ${s.requests} requests, p50 ${s.requestP50.toFixed(0)} ms  p99 ${s.requestP99.toFixed(0)} ms  max ${s.requestMax.toFixed(0)} ms, up to ${s.maxInFlight} at once; event loop max ${s.loopDelayMax.toFixed(0)} ms; GC longest ${s.gcLongest.map((d) => d.toFixed(0)).join(", ")} ms, ${(s.gcTotal / 1000).toFixed(1)} s in all`,
    );
  for (const slow of s?.slowest ?? [])
    console.log(`  slow store request     : ${slow.ms} ms ${slow.what} (${slow.items ?? "-"} items)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
