"use strict";
// bench/intake: POST future/orders through the local host (autocannon, real tokens, varied valid payloads)
// against raw point upserts of documents of the same size into the same embedded Cosmos server, in one run;
// then the floor (bench/floor: the same host, route and SDK, a handler that only stores the body) and a
// paced 100 req/s. Usage: npm run build && node bench/intake.js [--seconds 10] [--connections 16]
const { Agent, request: httpRequest } = require("node:http");
const { join } = require("node:path");
const { parseArgs } = require("node:util");
const { randomUUID } = require("node:crypto");
const autocannon = require("autocannon");
const { spawnService, token, requireCompiled, cpuMeter, latencySummary } = require("./support");

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, connections: { type: "string", default: "16" } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const persons = ["15838510075", "02879110001", "30859910013", "11840210040"];
let sequence = 0;

/** Varied valid orders: plain email, plain SMS, persons and an organisation, sent tomorrow. */
function orderBody() {
  sequence += 1;
  const at = new Date(Date.now() + 86_400_000).toISOString();
  const email = { subject: `Order ${sequence}`, body: "You have a new message in your inbox. ".repeat(4) };
  const sms = { body: `Message ${sequence}: you have a new message.` };
  const recipients = [
    { recipientEmail: { emailAddress: `user${sequence}@example.com`, emailSettings: email } },
    {
      recipientSms: {
        phoneNumber: `+479${String(1000000 + (sequence % 8999999)).padStart(7, "0")}`,
        smsSettings: sms,
      },
    },
    {
      recipientPerson: {
        nationalIdentityNumber: persons[sequence % persons.length],
        channelSchema: "EmailPreferred",
        emailSettings: email,
        smsSettings: sms,
      },
    },
    {
      recipientOrganization: {
        orgNumber: "310000019",
        channelSchema: "EmailPreferred",
        emailSettings: email,
        smsSettings: sms,
      },
    },
  ];
  return JSON.stringify({
    idempotencyId: `bench-${randomUUID()}`,
    sendersReference: `bench-${sequence}`,
    requestedSendTime: at,
    recipient: recipients[sequence % recipients.length],
  });
}

function runAutocannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, {
      renderProgressBar: false,
      renderResultsTable: false,
      renderLatencyTable: false,
    });
  });
}

/** Max-rate POSTs; `servicePid` adds the CPU time the service and this process spent per request. */
async function intake(url, bearer, extra, servicePid) {
  const cpu = cpuMeter(servicePid);
  const result = await runAutocannon({
    url: `${url}/future/orders`,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
        setupRequest: (request) => ({ ...request, body: orderBody() }),
      },
    ],
    ...extra,
  });
  const non2xx = result.non2xx + result.errors;
  const total = result.requests.total;
  const cpuPerRequest = cpu(total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total,
    non2xx,
    serviceCpuMs: cpuPerRequest.service,
    loadCpuMs: cpuPerRequest.own,
  };
}

/**
 * A steady rate: one request every 1000/rate ms, open loop, latency counted from when each request was due
 * (so a stall delays the requests behind it in the figures too). autocannon's `overallRate` is not steady: each
 * connection sends its share of a second back to back, then waits for the next second.
 */
async function paced(url, bearer, rate) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(`${url}/future/orders`);
  const interval = 1000 / rate;
  const count = Math.round(rate * seconds);
  const latencies = [];
  let non2xx = 0;
  const send = (due) =>
    new Promise((resolve) => {
      const body = orderBody();
      const call = httpRequest(
        target,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${bearer}`,
          },
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            if (response.statusCode < 200 || response.statusCode > 299) non2xx += 1;
            latencies.push(performance.now() - due);
            resolve();
          });
        },
      );
      call.on("error", () => {
        non2xx += 1;
        resolve();
      });
      call.end(body);
    });
  const start = performance.now();
  const inFlight = [];
  for (let index = 0; index < count; index++) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(due));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { rps: count / elapsed, ...latencySummary(latencies), non2xx };
}

/** Raw point upserts of documents the size of a stored order, at the same concurrency, for the same time. */
async function rawUpserts(endpoint, key, documentBytes, servicePid) {
  const cpu = cpuMeter(servicePid);
  const { createCosmosClient } = requireCompiled("shared", "adapters", "cosmos", "client.js");
  const client = createCosmosClient({ endpoint, key, database: "varsel" });
  const container = client.database("varsel").container("orders");
  const padding = "x".repeat(Math.max(0, documentBytes - 120));
  const latencies = [];
  const deadline = Date.now() + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const id = randomUUID();
        const started = process.hrtime.bigint();
        await container.items.upsert({ id, pk: id, docType: "raw", padding });
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        count += 1;
      }
    }),
  );
  const cpuPerUpsert = cpu(count);
  client.dispose();
  return {
    rps: count / seconds,
    ...latencySummary(latencies),
    storeCpuMs: cpuPerUpsert.service,
    clientCpuMs: cpuPerUpsert.own,
  };
}

/** The floor: bench/floor on the same host and embedded store, at the same concurrency. */
async function floor(bearer) {
  const service = await spawnService({}, join(__dirname, "floorService.js"));
  try {
    await intake(service.apiUrl, bearer, { duration: 2 });
    return await intake(service.apiUrl, bearer, {}, service.pid);
  } finally {
    await service.close();
  }
}

async function main() {
  // The timers are parked: on the embedded server every query is a full scan, and this measures intake alone.
  // The organisation's limits are off (bench/intakeLimits measures them): above 200 orders a second once its
  // burst of 2,000 is spent, they answer 429, and cheap refusals would count as intake.
  const service = await spawnService({
    SWEEP_SCHEDULE: "0 0 0 1 1 *",
    TERMINATE_SCHEDULE: "0 0 0 1 1 *",
    SERVICE_OWNER_LIMITS: JSON.stringify({ requestsPerSecond: 0, monthlyNotifications: 0 }),
  });
  let maxRun, raw, steady;
  const bearer = await token("991825827");
  try {
    const url = service.apiUrl;
    // Warm-up: JWKS fetch, connection pools, JIT.
    await intake(url, bearer, { duration: 2 });
    maxRun = await intake(url, bearer, {}, service.pid);
    // Before the raw upserts, whose documents would otherwise sit in this process's heap (the embedded store).
    steady = await paced(url, bearer, 100);
    const sampleDocument = JSON.stringify(JSON.parse(orderBody()));
    const { localCosmosKey } = requireCompiled("shared", "local", "registryImport.js");
    raw = await rawUpserts(service.cosmosEndpoint, localCosmosKey, sampleDocument.length * 2, service.pid);
  } finally {
    await service.close();
  }
  const floorRun = await floor(bearer);
  const fmt = (n) => n.toFixed(1);
  const ms = (n) => n.toFixed(2);
  console.log(
    `intake   max rate : ${fmt(maxRun.rps)} req/s  p50 ${fmt(maxRun.p50)} ms  p99 ${fmt(maxRun.p99)} ms  (${maxRun.total} requests, ${maxRun.non2xx} not 2xx)  CPU/request: service ${ms(maxRun.serviceCpuMs)} ms, load generator ${ms(maxRun.loadCpuMs)} ms`,
  );
  console.log(
    `raw upserts       : ${fmt(raw.rps)} ops/s  p50 ${fmt(raw.p50)} ms  p99 ${fmt(raw.p99)} ms  CPU/upsert: store ${ms(raw.storeCpuMs)} ms, client ${ms(raw.clientCpuMs)} ms`,
  );
  console.log(
    `floor    max rate : ${fmt(floorRun.rps)} req/s  p50 ${fmt(floorRun.p50)} ms  p99 ${fmt(floorRun.p99)} ms  (${floorRun.non2xx} not 2xx)  CPU/request: service ${ms(floorRun.serviceCpuMs)} ms`,
  );
  console.log(
    `intake @ 100 req/s: ${fmt(steady.rps)} req/s paced  p50 ${fmt(steady.p50)} ms  p99 ${fmt(steady.p99)} ms  max ${fmt(steady.max)} ms  (${steady.non2xx} not 2xx)`,
  );
  console.log(
    `ratio intake/raw  : ${(maxRun.rps / raw.rps).toFixed(2)}  (target >= 0.5); floor/raw ${(floorRun.rps / raw.rps).toFixed(2)}; intake/floor ${(maxRun.rps / floorRun.rps).toFixed(2)}; p99 at 100 req/s target <= 50 ms`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
