"use strict";
// bench/intake: POST future/orders through the local host (autocannon, real tokens, varied valid payloads)
// against raw point upserts of documents of the same size into the same embedded Cosmos server, in one run.
// Usage: npm run build && node bench/intake.js [--seconds 10] [--connections 16]
const { parseArgs } = require("node:util");
const { randomUUID } = require("node:crypto");
const autocannon = require("autocannon");
const { spawnService, token, percentile, requireCompiled } = require("./support");

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

async function intake(url, bearer, extra) {
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
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx,
  };
}

/** Raw point upserts of documents the size of a stored order, at the same concurrency, for the same time. */
async function rawUpserts(endpoint, key, documentBytes) {
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
  client.dispose();
  latencies.sort((a, b) => a - b);
  return { rps: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main() {
  // The timers are parked: on the embedded server every query is a full scan, and this measures intake alone.
  const service = await spawnService({ RELEASE_SCHEDULE: "0 0 0 1 1 *", TERMINATE_SCHEDULE: "0 0 0 1 1 *" });
  try {
    const bearer = await token("991825827");
    const url = service.apiUrl;
    // Warm-up: JWKS fetch, connection pools, JIT.
    await intake(url, bearer, { duration: 2 });
    const maxRun = await intake(url, bearer);
    const sampleDocument = JSON.stringify(JSON.parse(orderBody()));
    const { localCosmosKey } = requireCompiled("shared", "local", "registryImport.js");
    const raw = await rawUpserts(service.cosmosEndpoint, localCosmosKey, sampleDocument.length * 2);
    const steady = await intake(url, bearer, { overallRate: 100, connections: 10 });
    const ratio = maxRun.rps / raw.rps;
    const fmt = (n) => n.toFixed(1);
    console.log(
      `intake   max rate : ${fmt(maxRun.rps)} req/s  p50 ${fmt(maxRun.p50)} ms  p99 ${fmt(maxRun.p99)} ms  (${maxRun.total} requests, ${maxRun.non2xx} not 2xx)`,
    );
    console.log(`raw upserts       : ${fmt(raw.rps)} ops/s  p50 ${fmt(raw.p50)} ms  p99 ${fmt(raw.p99)} ms`);
    console.log(
      `intake @ 100 req/s: ${fmt(steady.rps)} req/s  p50 ${fmt(steady.p50)} ms  p99 ${fmt(steady.p99)} ms  (${steady.non2xx} not 2xx)`,
    );
    console.log(`ratio intake/raw  : ${ratio.toFixed(2)}  (target >= 0.5); p99 at 100 req/s target <= 50 ms`);
  } finally {
    await service.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
