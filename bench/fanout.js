"use strict";
// bench/fanout: one bulk order to N recipients (a mix of plain email, plain SMS, persons and organisations from
// a generated register copy), from its upload through the API (create, NDJSON parts, submit) to the last
// message in the outbox, through the local host; the rate counts the upload's time too.
// Prints notifications per second against the raw point-upsert rate of the same embedded store measured in
// the same run (before the send and after it, averaged), store writes and queue operations per notification
// on the send path (delivery reports apart), and peak RSS. With two sizes it runs each in a fresh service and
// prints the rate ratio.
// Usage: npm run build && node bench/fanout.js [--recipients 10000,100000]
//          [--store process|inline] [--providers process|inline] [--heap MiB]
const { parseArgs } = require("node:util");
const { setInterval, clearInterval } = require("node:timers");
const {
  countBulkOperations,
  countStoreWrites,
  countReportMessages,
  drainToOutbox,
  requireCompiled,
  startServiceWithProviders,
  startStoreProcess,
  uploadBulkOrder,
} = require("./support");

const { values } = parseArgs({
  options: {
    recipients: { type: "string", default: "10000,100000" },
    // "process": the store in a process of its own, as on Azure (the service's RSS is the service's);
    // "inline": the store inside the service's process, as `npm start` runs it.
    store: { type: "string", default: "process" },
    // "process": the local ACS and LINK in a process of their own, as the providers are on Azure (the service's
    // CPU and RSS are then its own); "inline": inside the service's process, as `npm start` runs them.
    providers: { type: "string", default: "process" },
    // V8's old-space ceiling for the service, in MiB (node --max-old-space-size). Unset, V8 lets the heap grow
    // towards its default limit (a quarter of the machine's memory) before it collects garbage in earnest.
    heap: { type: "string" },
  },
});
const heapFlag = values.heap && `--max-old-space-size=${values.heap}`;
if (heapFlag && !process.execArgv.includes(heapFlag)) {
  // The ceiling must be set when the process starts: run this bench again under it.
  const { status } = require("node:child_process").spawnSync(
    process.execPath,
    [heapFlag, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: "inherit" },
  );
  process.exit(status ?? 1);
}
const sizes = values.recipients.split(",").map(Number);
const bulkOperations = countBulkOperations();

/** Watches the outbox while it fills: when the last message arrived, in seconds since `started`. */
function watchOutbox(service, started) {
  let count = 0;
  let lastAt = 0;
  const timer = setInterval(() => {
    const now = service.outbox.count();
    if (now > count) [count, lastAt] = [now, Number(process.hrtime.bigint() - started) / 1e9];
  }, 50);
  return () => {
    clearInterval(timer);
    return lastAt;
  };
}

/**
 * Samples the process's memory every 250 ms: the peak of each part, in MiB, to tell what the RSS holds.
 * `phase()` returns the peaks since the previous call (the upload, generated in this process, apart from the
 * send); `stop()` ends the sampling.
 */
function watchMemory() {
  const fresh = () => ({ rss: 0, heapUsed: 0, heapTotal: 0, external: 0 });
  let peak = fresh();
  const sample = () => {
    const usage = process.memoryUsage();
    for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], usage[key] / 2 ** 20);
  };
  const timer = setInterval(sample, 250);
  return {
    phase: () => {
      sample();
      const ended = peak;
      peak = fresh();
      return ended;
    },
    stop: () => clearInterval(timer),
  };
}

/** `total` point upserts of small documents by 16 concurrent callers; returns their seconds. */
async function upsertSeconds(container, prefix, total) {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < total; i = next++)
        await container.items.upsert({ id: `${prefix}-${i}`, pk: `${prefix}-${i}` });
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * The store's raw write rate, measured now: point upserts of small documents by 16 concurrent callers, after
 * 1,000 untimed ones (the first upserts of a run pay for the client's and the store's cold code). `round` keeps
 * each measurement's documents new.
 */
async function rawUpsertRate(database, round) {
  const { containers } = requireCompiled("shared", "platform", "resources.js");
  const container = database.container(containers.deadDeliveryReports.name);
  await upsertSeconds(container, `warm-${round}`, 1000);
  const total = 5000;
  return total / (await upsertSeconds(container, `raw-${round}`, total));
}

/**
 * Counts the spans the service ends from now on, by name: what it would export to Application Insights of its
 * own (the Azure distro adds a dependency span per HTTP call besides). Returns how to stop and read them.
 */
function countSpans() {
  const { installedLocalTelemetry } = requireCompiled("shared", "telemetry", "localTelemetry.js");
  const byName = new Map();
  const stop = installedLocalTelemetry().addExporter({
    export(spans, done) {
      for (const span of spans) byName.set(span.name, (byName.get(span.name) ?? 0) + 1);
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  });
  return () => {
    stop();
    return byName;
  };
}

async function run(count) {
  const store = values.store === "process" ? await startStoreProcess() : undefined;
  if (store) [process.env.COSMOS_ENDPOINT, process.env.COSMOS_KEY] = [store.endpoint, store.key];
  const memory = watchMemory();
  const service = await startServiceWithProviders(values.providers);
  try {
    service.clock.freeze("2026-11-23T09:00:00.000Z");
    // Due a minute from now: the upload and submission are timed on their own, and the send path is counted
    // from the order's release (the clock moves on below).
    const sendAt = new Date(service.clock.now().getTime() + 60_000);
    const { database, uploadSeconds } = await uploadBulkOrder(service, count, sendAt);
    const rawBefore = await rawUpsertRate(database, "before");
    const uploadMemory = memory.phase();

    // Send path and report path apart: a report changes a notification with a single `update`.
    const writes = countStoreWrites(service);
    const reportMessages = countReportMessages(service);

    const servedBefore = { ...(await store?.counts()), ...bulkOperations };
    service.clock.freeze(sendAt);
    const lastMessageAt = watchOutbox(service, process.hrtime.bigint());
    const spansOfSend = countSpans();
    const { seconds: drainSeconds, queueOps, deadLettered } = await drainToOutbox(service);
    const spans = spansOfSend();
    // From upload to the last message in the outbox; the reports that follow it are counted apart.
    const seconds = uploadSeconds + lastMessageAt();
    const sent = service.outbox.count();
    const servedAfter = { ...(await store?.counts()), ...bulkOperations };
    const served = (...keys) =>
      keys.reduce((sum, key) => sum + (servedAfter[key] ?? 0) - (servedBefore[key] ?? 0), 0) / sent;
    // Each report message is published, received and completed once (none abandoned in this run).
    const sendQueueOps = queueOps - 3 * reportMessages.published;
    const sendMemory = memory.phase();
    // Measured again once the run is over, and averaged: one measurement of a few seconds swings with the
    // machine's load, which the run's own rate shares.
    const rawAfter = await rawUpsertRate(database, "after");
    return {
      count,
      sent,
      seconds,
      uploadSeconds,
      drainSeconds,
      storeRssMiB: store?.peakRssMiB(),
      rate: sent / seconds,
      raw: (rawBefore + rawAfter) / 2,
      rawBefore,
      rawAfter,
      writesPerNotification: writes.send / sent,
      reportWritesPerNotification: writes.report / sent,
      queueOpsPerNotification: sendQueueOps / sent,
      deadLettered,
      spans,
      memory: { upload: uploadMemory, send: sendMemory },
      // Send path and reports together, as Cosmos bills them (a bulk request's operations one by one).
      billed: store && {
        reads: served("pointReads", "Read"),
        queries: served("queries"),
        queriedDocuments: served("queriedDocuments"),
        writes: served("singleWrites", "Create", "Upsert", "Replace", "Patch", "Delete"),
        requests: served("pointReads", "queries", "singleWrites", "bulkRequests"),
      },
    };
  } finally {
    memory.stop();
    await service.close();
    if (store) {
      await store.close();
      delete process.env.COSMOS_ENDPOINT;
      delete process.env.COSMOS_KEY;
    }
  }
}

/**
 * Several sizes: each in a process of its own (the service builds its dependencies once per process, and each
 * size's peak RSS is then its own), compared by their rates.
 */
function compareSizes() {
  const { spawnSync } = require("node:child_process");
  const [script, ...args] = process.argv.slice(1);
  const others = args.filter((arg, i) => !arg.startsWith("--recipients") && args[i - 1] !== "--recipients");
  const rates = sizes.map((size) => {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, script, ...others, "--recipients", String(size)],
      { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 26 },
    );
    process.stdout.write(child.stdout);
    const rate = /notifications per second : ([\d.]+)/.exec(child.stdout)?.[1];
    if (child.status !== 0 || rate === undefined) process.exit(child.status || 1);
    return Number(rate);
  });
  const [first, last] = [rates[0], rates[rates.length - 1]];
  console.log(
    `rate at ${sizes[sizes.length - 1]} / rate at ${sizes[0]}: ${(last / first).toFixed(2)}  (target within 20 %)`,
  );
}

async function main() {
  if (sizes.length > 1) return compareSizes();
  for (const size of sizes) {
    const r = await run(size);
    console.log(`recipients               : ${r.count}`);
    console.log(
      `messages in outbox       : ${r.sent} in ${r.seconds.toFixed(1)} s  (upload and submit ${r.uploadSeconds.toFixed(1)} s; every report applied after ${(r.uploadSeconds + r.drainSeconds).toFixed(1)} s)`,
    );
    if (r.storeRssMiB !== undefined)
      console.log(
        `store process peak RSS   : ${r.storeRssMiB.toFixed(0)} MiB  (the store, apart from the service)`,
      );
    console.log(`notifications per second : ${r.rate.toFixed(1)}`);
    console.log(
      `raw point upserts / s    : ${r.raw.toFixed(1)}  (same store, same run: ${r.rawBefore.toFixed(1)} before the send, ${r.rawAfter.toFixed(1)} after it)`,
    );
    console.log(`ratio                    : ${(r.rate / r.raw).toFixed(2)}  (target ≥ 0.25)`);
    console.log(
      `store writes / notif.    : ${r.writesPerNotification.toFixed(2)}  (send path; target ≤ 3.5)`,
    );
    console.log(`report writes / notif.   : ${r.reportWritesPerNotification.toFixed(2)}  (delivery reports)`);
    console.log(
      `queue ops / notif.       : ${r.queueOpsPerNotification.toFixed(3)}  (send path; target ≤ 0.2)`,
    );
    if (r.billed)
      console.log(
        `billed store ops / notif.: ${r.billed.writes.toFixed(2)} writes, ${r.billed.reads.toFixed(2)} point reads, ${r.billed.queries.toFixed(3)} queries returning ${r.billed.queriedDocuments.toFixed(2)} documents; ${r.billed.requests.toFixed(2)} requests (send path and reports)`,
      );
    const spanTotal = [...r.spans.values()].reduce((sum, n) => sum + n, 0);
    const commonest = [...r.spans].sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(
      `spans / notif.           : ${(spanTotal / r.sent).toFixed(2)}  (send path and reports; ${commonest.map(([name, n]) => `${name} ${(n / r.sent).toFixed(2)}`).join(", ")})`,
    );
    console.log(`dead-lettered            : ${r.deadLettered}`);
    for (const [phase, m] of Object.entries(r.memory))
      console.log(
        `memory peaks, ${phase.padEnd(6)}    : RSS ${m.rss.toFixed(0)} MiB, heap used ${m.heapUsed.toFixed(0)} MiB of ${m.heapTotal.toFixed(0)}, external ${m.external.toFixed(0)} MiB  (sampled every 250 ms)`,
      );
  }
  console.log(
    `peak RSS                 : ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB  (the service${values.store === "process" ? "" : " and its store"}${values.providers === "process" ? "" : ", the local providers"}${heapFlag ? `, ${heapFlag}` : ""}; target ≤ 400)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
