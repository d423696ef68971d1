"use strict";
// Shared by the bench scripts. The service runs as `npm start` runs it, in its own process, so the load
// generator never competes with it for the event loop.
const { randomUUID } = require("node:crypto");
const { join } = require("node:path");
const { existsSync, readFileSync } = require("node:fs");
const { spawn } = require("node:child_process");

const root = join(__dirname, "..");
// USER_HZ (getconf CLK_TCK): /proc/<pid>/stat counts CPU time in these ticks; 100 on x86-64 and arm64 Linux.
const clockTicksPerSecond = 100;
const dist = (...parts) => join(root, "dist", ...parts);

function requireCompiled(...parts) {
  const file = dist(...parts);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return require(file);
}

/** Node options a bench passes to a child process, from the environment variable `name` (space-separated). */
const nodeArgsFrom = (name) => (process.env[name] ? process.env[name].split(" ") : []);

/**
 * Starts `node dist/shared/local/start.js` (or another script that prints the same ready lines) on a free port
 * and resolves with its URLs and process id once it is ready.
 */
function spawnService(env = {}, entry = dist("shared", "local", "start.js")) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [...nodeArgsFrom("BENCH_NODE_ARGS"), entry], {
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    let cosmosEndpoint;
    child.once("exit", (code) =>
      reject(new Error(`the service exited with ${code} before it was ready:\n${output}`)),
    );
    child.stdout.on("data", (chunk) => {
      output += chunk;
      cosmosEndpoint ??= /embedded Cosmos DB server on (\S+)/.exec(output)?.[1];
      const ready = /varsel is ready on (\S+)/.exec(output);
      if (!ready) return;
      child.stdout.removeAllListeners("data");
      child.stdout.resume();
      child.removeAllListeners("exit");
      resolve({
        apiUrl: ready[1],
        cosmosEndpoint,
        pid: child.pid,
        close: () =>
          new Promise((done) => {
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

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

/**
 * Writes a generated register copy for `count` recipients (see `generate`) to the service's store, and one
 * Registered order due now to all of them, its recipients kept beside it in parts of 1,000 (a bulk order).
 */
async function registerBulkOrder(service, deps, count, tenant = "991825827") {
  const { upsertRegistryDocuments } = requireCompiled(
    "shared",
    "adapters",
    "cosmos",
    "cosmosContactRegistry.js",
  );
  const { containers } = requireCompiled("shared", "platform", "resources.js");
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
    await deps.recipientLists.putPart(
      { id: orderId, requestedSendTime: now.toISOString() },
      part,
      recipients.slice(part * 1000, (part + 1) * 1000),
    );
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

  return { orderId, database };
}

/** Persons of the sample register (shared/local/sampleRegistry.json). */
const registerPersons = ["15838510075", "02879110001", "11840210040"];

/**
 * The `i`th of a mix of single-recipient orders, all due `now`: a plain email address, a plain mobile number,
 * and register persons by email (preferred) and by SMS, in turn; stored as the intake stores an order.
 */
function singleRecipientOrder(i, now) {
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
    [{ nationalIdentityNumber: registerPersons[i % registerPersons.length] }, "EmailPreferred"],
    [{ nationalIdentityNumber: registerPersons[i % registerPersons.length] }, "Sms"],
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
    // As intake registers orders now (the one email of an order to one person or address named by the order).
    naming: "emailByOrder",
  };
}

/** Stores `count` orders of the single-recipient mix (`singleRecipientOrder`) with `status`, 100 at a time. */
async function storeSingleOrders(deps, count, now, status = "Registered") {
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, j) =>
        deps.orders.createOrder({ ...singleRecipientOrder(i + j, now), status }),
      ),
    );
  }
}

/** A generated recipient as a line of a bulk order part (the `future/orders` field names). */
function recipientLine(recipient) {
  if (recipient.mobileNumber) return JSON.stringify({ phoneNumber: recipient.mobileNumber });
  if (recipient.organizationNumber) return JSON.stringify({ orgNumber: recipient.organizationNumber });
  return JSON.stringify(recipient);
}

/**
 * Writes a generated register copy for `count` recipients (see `generate`) to the service's store, then sends
 * one bulk order to all of them through the API, as a service owner would (docs/bulk-orders.md): create,
 * upload the parts as NDJSON, submit. The order is due at `sendAt`; returns its id and the upload's seconds.
 */
async function uploadBulkOrder(service, count, sendAt, tenant = "991825827") {
  const { upsertRegistryDocuments } = requireCompiled(
    "shared",
    "adapters",
    "cosmos",
    "cosmosContactRegistry.js",
  );
  const { containers } = requireCompiled("shared", "platform", "resources.js");
  const { bulkLimits } = requireCompiled("shared", "domain", "requests", "bulkOrder.js");
  const { createCosmosClient } = requireCompiled("shared", "adapters", "cosmos", "client.js");
  const { register, recipients } = generate(count);
  const database = createCosmosClient({
    endpoint: process.env.COSMOS_ENDPOINT,
    key: process.env.COSMOS_KEY,
    database: "varsel",
  }).database(process.env.COSMOS_DATABASE || "varsel");
  await upsertRegistryDocuments(database.container(containers.registry.name), register);

  const started = process.hrtime.bigint();
  const headers = { authorization: `Bearer ${await token(tenant)}` };
  const call = async (method, path, body, contentType = "application/json") => {
    const response = await fetch(`${service.host.apiUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": contentType }) },
      body,
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  const { notificationOrderId } = await call(
    "POST",
    "/future/orders/bulk",
    JSON.stringify({
      idempotencyId: `fanout-${randomUUID()}`,
      sendersReference: "fanout",
      requestedSendTime: sendAt.toISOString(),
      channelSchema: "EmailPreferred",
      emailSettings: { subject: "Skattemeldingen er klar", body: "Hei, skattemeldingen din er klar." },
      smsSettings: { body: "Skattemeldingen din er klar.", sendingTimePolicy: "Anytime" },
    }),
  );
  const path = `/future/orders/bulk/${notificationOrderId}`;
  for (let part = 0; part * bulkLimits.partRecipients < recipients.length; part += 1) {
    const lines = recipients
      .slice(part * bulkLimits.partRecipients, (part + 1) * bulkLimits.partRecipients)
      .map(recipientLine);
    await call("PUT", `${path}/recipients/${part + 1}`, `${lines.join("\n")}\n`, "application/x-ndjson");
  }
  await call("POST", `${path}/submit`);
  return {
    orderId: notificationOrderId,
    database,
    uploadSeconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

/**
 * Starts an embedded Cosmos server that counts the single write requests it serves (creates, replaces,
 * upserts, patches, deletes; not queries, which are POSTs too, nor bulk requests, whose operations may be reads
 * and which `countBulkOperations` counts one by one), and points the service at it. With the bulk operations
 * that write, this is what Cosmos would bill as writes, whatever port method caused them.
 */
async function countingCosmos() {
  const { createHttpServer } = require("@vercel/cosmosdb-server");
  requireCompiled("shared", "local", "linearQueryEngine.js").useLinearQueryEngine();
  requireCompiled("shared", "local", "indexCoverage.js").enforceIndexingPolicy();
  const counts = { singleWrites: 0 };
  const server = createHttpServer({ keepAlive: true });
  server.on("request", (req) => {
    // A query's plan is asked for by a POST of its own, which is not a write.
    const isQuery =
      req.headers["x-ms-documentdb-isquery"] !== undefined ||
      req.headers["x-ms-cosmos-is-query-plan-request"] !== undefined;
    const isBulk = req.headers["x-ms-cosmos-is-batch-request"] !== undefined;
    if (/\/docs/.test(req.url ?? "") && req.method !== "GET" && !isQuery && !isBulk) counts.singleWrites += 1;
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.COSMOS_ENDPOINT = `http://127.0.0.1:${server.address().port}`;
  process.env.COSMOS_KEY = "bG9jYWwtY29zbW9zLWtleQ==";
  return {
    /** What the store has served so far, in the shape `startStoreProcess` gives. */
    counts: async () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

const writeMethods = /^(create|update|put|append|save|remove|mark|quarantine|move)/;
/** A delivery report's write carries the report; every other write belongs to the send path. */
const isReportWrite = (changes) => changes !== undefined && "deliveryReport" in changes;

/**
 * Wraps the port `portName` so every written document is counted, send path and delivery reports apart, and
 * by kind in `counter.kinds`: `<port>.<method>` and the status a change sets (`orders.updateOrder Processed`).
 */
function countingWrites(port, counter, portName) {
  const count = (path, kind, n = 1) => {
    counter[path] += n;
    counter.kinds[kind] = (counter.kinds[kind] ?? 0) + n;
  };
  const kindOf = (name, changes) =>
    `${portName}.${name}${changes?.status ? ` ${changes.status}` : ""}${isReportWrite(changes) ? " (report)" : ""}`;
  return new Proxy(port, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      if (!writeMethods.test(String(name))) return value.bind(target);
      return (...args) => {
        if (name === "updateMany")
          for (const { changes } of args[0])
            count(isReportWrite(changes) ? "report" : "send", kindOf(name, changes));
        else if (String(name).endsWith("Many")) count("send", kindOf(name), args[0].length);
        else {
          const changes = name === "update" || name === "updateOrder" ? args[1] : undefined;
          count(name === "update" && isReportWrite(changes) ? "report" : "send", kindOf(name, changes));
        }
        return value.apply(target, args);
      };
    },
  });
}

const storePorts = ["orders", "notifications", "references", "statusFeed", "sendBatches", "deadReports"];

/**
 * Counts every document the service writes at its store ports from now on: `send` and `report` (delivery
 * reports) apart, and `kinds` by port, method and status (see countingWrites).
 */
function countStoreWrites(service) {
  const writes = { send: 0, report: 0, kinds: {} };
  const deps = service.dependencies();
  const counted = { ...deps };
  for (const key of storePorts) counted[key] = countingWrites(deps[key], writes, key);
  service.wrapDependencies(() => counted);
  return writes;
}

/** Prints each kind of write per notification, most frequent first. */
function printWriteKinds(writes, notifications) {
  for (const [kind, count] of Object.entries(writes.kinds).sort(([, a], [, b]) => b - a))
    if (count > 0) console.log(`  ${kind.padEnd(44)}: ${(count / notifications).toFixed(3)}`);
}

/** Counts the delivery-report messages published, so the send path's queue operations can be told apart. */
function countReportMessages(service) {
  const reportMessages = { published: 0 };
  const publish = service.broker.publish.bind(service.broker);
  service.broker.publish = (queue, messages) => {
    if (queue === "deliveryReports") reportMessages.published += messages.length;
    return publish(queue, messages);
  };
  return reportMessages;
}

/**
 * Runs the sweeper and lets every message settle until the outbox has not grown for `quietRounds` rounds;
 * returns the seconds until the last round that grew it and the broker's queue operations (published,
 * received, completed and abandoned). Time moves 10 s per round, so reports that came before their send was
 * recorded are retried (after 5 s), and 7 quiet rounds outlast a provider's default Retry-After (60 s): a send
 * put back by a transient failure is waited for, not taken for the end.
 */
async function drainToOutbox(service, quietRounds = 7) {
  const before = service.broker.stats();
  const started = process.hrtime.bigint();
  let seconds = 0;
  for (let quiet = 0, previous = service.outbox.count(); quiet < quietRounds;) {
    await service.host.runTimer("sweepOrders");
    await service.settle();
    service.clock.freeze(new Date(service.clock.now().getTime() + 10_000));
    const now = service.outbox.count();
    if (now > previous)
      [quiet, previous, seconds] = [0, now, Number(process.hrtime.bigint() - started) / 1e9];
    else quiet += 1;
  }
  const after = service.broker.stats();
  return {
    seconds,
    queueOps: ["published", "received", "completed", "abandoned"].reduce(
      (sum, k) => sum + after[k] - before[k],
      0,
    ),
    deadLettered: after.deadLettered,
  };
}

/** Starts the compiled service in this process (timers off), for benches that look inside it. */
function startInProcess() {
  const { startLocalService } = requireCompiled("shared", "local", "localService.js");
  return startLocalService({
    projectRoot: root,
    port: 0,
    cosmosPort: 0,
    blobPort: 0,
    startTimers: false,
    readLocalSettings: false,
    log: () => {},
  });
}

async function token(org) {
  const signing = requireCompiled("shared", "local", "signingKey.js");
  return signing.signLocalToken(await signing.localSigningKey(), { organizationNumber: org });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU time (user + system, all threads) a process has used so far, in milliseconds (Linux). */
function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

/** This process's CPU time (user + system), in milliseconds. */
function ownCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Starts counting the CPU time of the process `pid` (when given) and of this one; the returned function
 * divides what each has spent since by a number of operations.
 */
function cpuMeter(pid) {
  const serviceStart = pid && processCpuMs(pid);
  const ownStart = ownCpuMs();
  return (operations) => ({
    service: pid && (processCpuMs(pid) - serviceStart) / operations,
    own: (ownCpuMs() - ownStart) / operations,
  });
}

/** Sorts the latencies (ms) in place and returns their p50, p99 and maximum. */
function latencySummary(latencies) {
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
  };
}

/**
 * Counts, in this process, the operations of every Cosmos bulk request and transactional batch by type
 * (Create, Upsert, Replace, Read, …): each is one round trip, but Cosmos bills each of its operations. The
 * operations of a batch that failed and went again in bulk count twice, as Cosmos bills the failed batch too.
 */
function countBulkOperations() {
  const { Items } = require("@azure/cosmos");
  const counts = {};
  for (const method of ["bulk", "batch"]) {
    const original = Items.prototype[method];
    Items.prototype[method] = function counted(operations, ...rest) {
      for (const { operationType } of operations) counts[operationType] = (counts[operationType] ?? 0) + 1;
      return original.call(this, operations, ...rest);
    };
  }
  return counts;
}

/**
 * The embedded Cosmos DB server in a process of its own, as the store is on Azure: the service's memory and
 * CPU then hold the service only. Returns the endpoint and key to set before the service starts, the store's
 * peak RSS so far, and `close`.
 */
async function startStoreProcess() {
  const { spawn } = require("node:child_process");
  // The store counts the requests it serves: point reads, queries and the documents they return, single
  // writes, and bulk requests (whose operations the client counts: see countBulkOperations).
  const script = `
    const http = require("node:http");
    const counts = { pointReads: 0, queries: 0, queriedDocuments: 0, singleWrites: 0, bulkRequests: 0 };
    const createServer = http.createServer;
    http.createServer = (...args) => createServer(...args).on("request", (req, res) => {
      if (!/\\/docs/.test(req.url ?? "")) return;
      // A query's plan is asked for by a POST of its own: neither a write nor a query the store runs.
      if (req.headers["x-ms-cosmos-is-query-plan-request"] !== undefined) return;
      if (req.headers["x-ms-documentdb-isquery"] !== undefined) {
        counts.queries += 1;
        res.once("finish", () => (counts.queriedDocuments += Number(res.getHeader("x-ms-item-count") ?? 0)));
      } else if (req.method === "GET") counts.pointReads += 1;
      else if (req.headers["x-ms-cosmos-is-batch-request"] !== undefined) counts.bulkRequests += 1;
      else counts.singleWrites += 1;
    });
    // How long requests waited in the store, and what held its event loop: what a request to it waits on.
    const { monitorEventLoopDelay, PerformanceObserver } = require("node:perf_hooks");
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const timing = { inFlight: 0, maxInFlight: 0, durations: [], gcPauses: [], slowest: [] };
    new PerformanceObserver((list) => timing.gcPauses.push(...list.getEntries().map((e) => e.duration))).observe({ entryTypes: ["gc"] });
    http.createServer = ((create) => (...args) => create(...args).on("request", (req, res) => {
      const started = process.hrtime.bigint();
      timing.inFlight += 1;
      timing.maxInFlight = Math.max(timing.maxInFlight, timing.inFlight);
      res.once("close", () => {
        timing.inFlight -= 1;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        timing.durations.push(ms);
        if (ms < 100) return;
        const kind = req.headers["x-ms-documentdb-isquery"] !== undefined ? "query" : req.headers["x-ms-cosmos-is-batch-request"] !== undefined ? "bulk" : req.method;
        timing.slowest.push({ ms: Math.round(ms), what: kind + " " + req.url.split("/colls/").pop(), items: res.getHeader("x-ms-item-count") });
      });
    }))(http.createServer);
    process.on("message", (message) => {
      if (message === "watch") {
        Object.assign(timing, { maxInFlight: timing.inFlight, durations: [], gcPauses: [], slowest: [] });
        loop.reset();
        loop.enable();
        return process.send("watching");
      }
      if (message !== "timing") return process.send({ ...counts });
      process.send({
        durations: timing.durations,
        gcPauses: timing.gcPauses,
        maxInFlight: timing.maxInFlight,
        loopDelayMax: loop.max / 1e6,
        slowest: timing.slowest.sort((a, b) => b.ms - a.ms).slice(0, 8),
      });
    });
    // A bench that dies (or is stopped) takes its store with it.
    process.on("disconnect", () => process.exit());
    // Exits (rather than dies) when the bench closes it, so that --cpu-prof in BENCH_STORE_NODE_ARGS writes.
    process.on("SIGTERM", () => process.exit());
    const { startEmbeddedCosmos } = require(${JSON.stringify(join(root, "dist", "shared", "local", "embeddedCosmos.js"))});
    startEmbeddedCosmos(0).then((c) => {
      // The queries that held the store longest, by their text: the request's own time includes its queue.
      const Documents = require(${JSON.stringify(require.resolve("@vercel/cosmosdb-server/lib/account/documents"))}).default;
      const query = Documents.prototype.query;
      Documents.prototype.query = function (params, options) {
        const started = process.hrtime.bigint();
        const result = query.call(this, params, options);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (ms >= 100) timing.slowest.push({ ms: Math.round(ms), what: "query " + params.query });
        return result;
      };
      process.stdout.write(JSON.stringify({ endpoint: c.endpoint, key: c.key }) + "\\n");
    });`;
  const child = spawn(process.execPath, [...nodeArgsFrom("BENCH_STORE_NODE_ARGS"), "-e", script], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const { endpoint, key } = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve(JSON.parse(out));
    });
    child.once("exit", (code) => reject(new Error(`the store process exited with ${code}`)));
  });
  const peakRssMiB = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  };
  const close = () =>
    new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill();
    });
  const ask = (message) =>
    new Promise((resolve) => {
      child.once("message", resolve);
      child.send(message);
    });
  /** What the store has served so far (see the script above). */
  const counts = () => ask("counts");
  /** Starts the store's watch of its request times, event loop and GC pauses; `timing()` reads it. */
  const watch = () => ask("watch");
  const timing = async () => {
    const { durations, gcPauses, ...measured } = await ask("timing");
    const sorted = (list) => [...list].sort((a, b) => a - b);
    const requests = sorted(durations);
    return {
      ...measured,
      requests: requests.length,
      requestP50: percentile(requests, 50),
      requestP99: percentile(requests, 99),
      requestMax: requests.at(-1) ?? 0,
      gcLongest: sorted(gcPauses).slice(-3).reverse(),
      gcTotal: gcPauses.reduce((sum, d) => sum + d, 0),
    };
  };
  return { endpoint, key, peakRssMiB, counts, watch, timing, close };
}

/**
 * The local ACS endpoint and LINK gateway in a process of their own (bench/providersProcess.js), as ACS and
 * LINK are on Azure. `settings` are what to set before the service starts (its provider endpoints and
 * credentials); `attach(service)` puts the ACS reports on the service's queue, as Event Grid does, and names
 * its SMS report URL; `serving(service)` is the service as the benches drive it, with the outbox and `settle`
 * reaching into this process.
 */
async function startProvidersProcess() {
  const credentials = { username: "bench", password: "bench-gateway-password" };
  const reportCredentials = { username: "bench-reports", password: "bench-report-password" };
  const child = spawn(
    process.execPath,
    [join(__dirname, "providersProcess.js"), JSON.stringify([credentials, reportCredentials])],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  let count = 0;
  let onReport = () => {};
  const idleWaiters = [];
  const ready = new Promise((resolve, reject) => {
    child.on("message", (message) => {
      if (message.ready) resolve(message.ready);
      if (message.report) onReport(message.report);
      if (message.count !== undefined) count = message.count;
      if (message.idle) idleWaiters.shift()?.();
    });
    child.once("exit", (code) => reject(new Error(`the providers process exited with ${code}`)));
  });
  const { acsEndpoint, acsAccessKey, linkUrl } = await ready;
  const idle = () =>
    new Promise((resolve) => {
      idleWaiters.push(resolve);
      child.send("idle");
    });
  return {
    settings: {
      ACS_EMAIL_ENDPOINT: acsEndpoint,
      ACS_EMAIL_ACCESS_KEY: acsAccessKey,
      LINK_GATEWAY_URL: linkUrl,
      LINK_USERNAME: credentials.username,
      LINK_PASSWORD: credentials.password,
      LINK_REPORT_USERNAME: reportCredentials.username,
      LINK_REPORT_PASSWORD: reportCredentials.password,
    },
    attach(service) {
      const { emailReportMessage } = requireCompiled("shared", "local", "localService.js");
      onReport = (event) => void service.broker.publish("deliveryReports", [emailReportMessage(event)]);
      child.send({ deliveryReportUrl: `${service.host.apiUrl}/delivery-reports/sms` });
    },
    serving(service) {
      return Object.assign(Object.create(service), {
        outbox: { count: () => count },
        // Until a round of the providers' reports publishes nothing more.
        settle: async () => {
          for (let previous = -1; ;) {
            await service.settle();
            await idle();
            const { published } = service.broker.stats();
            if (published === previous) return;
            previous = published;
          }
        },
      });
    },
    close: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill();
      }),
  };
}

/**
 * The service in this process (as startInProcess), with the local ACS and LINK in a process of their own
 * (`providers` "process") or inside this one ("inline", as `npm start` runs them).
 */
async function startServiceWithProviders(providers) {
  if (providers === "inline") return startInProcess();
  const outside = await startProvidersProcess();
  Object.assign(process.env, outside.settings);
  const service = await startInProcess();
  outside.attach(service);
  return Object.assign(outside.serving(service), {
    close: async () => {
      await service.close();
      await outside.close();
      for (const key of Object.keys(outside.settings)) delete process.env[key];
    },
  });
}

module.exports = {
  root,
  requireCompiled,
  spawnService,
  startInProcess,
  startServiceWithProviders,
  drainToOutbox,
  countStoreWrites,
  printWriteKinds,
  countReportMessages,
  registerBulkOrder,
  uploadBulkOrder,
  storeSingleOrders,
  startStoreProcess,
  countBulkOperations,
  countingCosmos,
  token,
  percentile,
  cpuMeter,
  latencySummary,
};
