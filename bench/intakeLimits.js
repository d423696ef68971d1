"use strict";
// bench/intakeLimits: intake throughput with the per-organisation limits on against the same service with them
// off, in one run: one service, two organisations, runs interleaved (off/on, on/off, off/on) so drift hits both.
// "On" is a rate limit above the load (so nothing is refused and every request pays the limiter: a lease of
// 50 tokens per bucket write) and a monthly quota counted per accepted order; "off" is requestsPerSecond 0 and
// monthlyNotifications 0. Usage: npm run build && node bench/intakeLimits.js [--seconds 10] [--connections 16]
const { parseArgs } = require("node:util");
const { randomUUID } = require("node:crypto");
const autocannon = require("autocannon");
const { spawnService, token } = require("./support");

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, connections: { type: "string", default: "16" } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const limited = "991825827";
const unlimited = "974760673";

let sequence = 0;
function orderBody() {
  sequence += 1;
  return JSON.stringify({
    idempotencyId: `bench-${randomUUID()}`,
    sendersReference: `bench-${sequence}`,
    requestedSendTime: new Date(Date.now() + 86_400_000).toISOString(),
    recipient: {
      recipientEmail: {
        emailAddress: `user${sequence}@example.com`,
        emailSettings: { subject: `Order ${sequence}`, body: "You have a new message in your inbox." },
      },
    },
  });
}

function run(url, bearer, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/future/orders`,
        connections,
        duration,
        requests: [
          {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
            setupRequest: (request) => ({ ...request, body: orderBody() }),
          },
        ],
      },
      (error, result) =>
        error
          ? reject(error)
          : resolve({
              rps: result.requests.average,
              p99: result.latency.p99,
              non2xx: result.non2xx + result.errors,
            }),
    );
  });
}

async function main() {
  const service = await spawnService({
    LOCAL_COSMOS_PORT: "0",
    LOCAL_BLOB_PORT: "0",
    LOCAL_PERSIST: "false",
    SWEEP_SCHEDULE: "0 0 0 1 1 *",
    TERMINATE_SCHEDULE: "0 0 0 1 1 *",
    SERVICE_OWNER_LIMITS: JSON.stringify({
      tenants: {
        [limited]: { requestsPerSecond: 500, burst: 1_000_000, monthlyNotifications: 100_000_000 },
        [unlimited]: { requestsPerSecond: 0, monthlyNotifications: 0 },
      },
    }),
  });
  const results = { on: [], off: [] };
  try {
    const bearers = { on: await token(limited), off: await token(unlimited) };
    await run(service.apiUrl, bearers.off, 2); // warm-up: JWKS, pools, JIT
    await run(service.apiUrl, bearers.on, 2);
    for (const round of [1, 2, 3]) {
      // Alternating which goes first, so a trend within a round favours neither.
      for (const mode of round % 2 === 1 ? ["off", "on"] : ["on", "off"]) {
        const result = await run(service.apiUrl, bearers[mode], seconds);
        results[mode].push(result);
        console.log(
          `round ${round} limits ${mode.padEnd(3)}: ${result.rps.toFixed(1)} req/s  p99 ${result.p99.toFixed(1)} ms  (${result.non2xx} not 2xx)`,
        );
      }
    }
  } finally {
    await service.close();
  }
  const mean = (runs) => runs.reduce((sum, r) => sum + r.rps, 0) / runs.length;
  const ratio = mean(results.on) / mean(results.off);
  console.log(
    `ratio on/off      : ${ratio.toFixed(3)}  (${mean(results.on).toFixed(1)} / ${mean(results.off).toFixed(1)} req/s; target >= 0.90)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
