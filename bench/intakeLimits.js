"use strict";
// bench/intakeLimits: intake throughput with the per-organisation limits on against the same service with them
// off, in one run: one build, two organisations, --rounds rounds against a fresh service each (see startService),
// each round four runs in the order off, on, on, off (on, off, off, on in every other round), so a rate that
// drifts through the round weighs on both modes alike. Each round gives a ratio on/off; the median of those
// ratios is the figure, and their spread (min–max, quartiles) says how far the machine's noise moved it. "On" is
// a rate limit above the load (so nothing is refused and every request pays the limiter: a lease of 50 tokens per
// bucket write) and a monthly quota counted per accepted order; "off" is requestsPerSecond 0 and
// monthlyNotifications 0.
// Usage: npm run build && node bench/intakeLimits.js [--rounds 9] [--seconds 4] [--warmup 6] [--connections 16]
const os = require("node:os");
const { parseArgs } = require("node:util");
const { randomUUID } = require("node:crypto");
const autocannon = require("autocannon");
const { spawnService, token } = require("./support");

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "9" },
    warmup: { type: "string", default: "6" },
    seconds: { type: "string", default: "4" },
    connections: { type: "string", default: "16" },
  },
});
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
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

/**
 * One service per round, from the same build: the embedded store of `npm start` slows down as it fills (its
 * query engine scans every document, and local mode's stand-in for Cosmos TTL scans every container each minute),
 * so one service for the whole run would measure the later rounds against a fuller, slower store. A fresh one
 * holds each round to the same few thousand orders and lasts well under that minute.
 */
function startService() {
  return spawnService({
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
}

async function main() {
  const results = { on: [], off: [] };
  const ratios = [];
  const loads = [os.loadavg()[0]];
  let refused = 0;
  const bearers = { on: await token(limited), off: await token(unlimited) };
  for (let round = 1; round <= rounds; round += 1) {
    const service = await startService();
    const pair = { off: [], on: [] };
    try {
      // Warm-up, not counted: JWKS, pools, JIT (a fresh service's rate climbs for its first seconds).
      for (const mode of ["off", "on"]) await run(service.apiUrl, bearers[mode], warmup / 2);
      // off, on, on, off (or on, off, off, on): a rate that drifts through the round weighs on both alike.
      const order = round % 2 === 1 ? ["off", "on", "on", "off"] : ["on", "off", "off", "on"];
      for (const mode of order) {
        const result = await run(service.apiUrl, bearers[mode], seconds);
        pair[mode].push(result);
        results[mode].push(result);
        refused += result.non2xx;
      }
    } finally {
      await service.close();
    }
    const rate = (runs) => runs.reduce((sum, r) => sum + r.rps, 0) / runs.length;
    const p99 = (runs) => Math.max(...runs.map((r) => r.p99));
    ratios.push(rate(pair.on) / rate(pair.off));
    loads.push(os.loadavg()[0]);
    console.log(
      `round ${String(round).padStart(2)}: off ${rate(pair.off).toFixed(1)} req/s, on ${rate(pair.on).toFixed(1)} req/s, ` +
        `on/off ${ratios.at(-1).toFixed(3)}  (p99 off ${p99(pair.off)} ms, on ${p99(pair.on)} ms; load ${loads.at(-1).toFixed(1)})`,
    );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const quantile = (q) => {
    const at = (sorted.length - 1) * q;
    const low = Math.floor(at);
    return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
  };
  const median = (values) => {
    const ordered = [...values].sort((a, b) => a - b);
    const middle = Math.floor(ordered.length / 2);
    return ordered.length % 2 ? ordered[middle] : (ordered[middle - 1] + ordered[middle]) / 2;
  };
  console.log(
    `median on/off     : ${quantile(0.5).toFixed(3)}  (target >= 0.90; ${rounds} rounds of 4 runs of ${seconds} s at ${connections} connections, a fresh service each)`,
  );
  console.log(
    `spread            : min ${sorted[0].toFixed(3)}, quartiles ${quantile(0.25).toFixed(3)}–${quantile(0.75).toFixed(3)}, max ${sorted.at(-1).toFixed(3)}`,
  );
  console.log(
    `median req/s      : off ${median(results.off.map((r) => r.rps)).toFixed(1)}, on ${median(results.on.map((r) => r.rps)).toFixed(1)}; ${refused} not 2xx`,
  );
  console.log(
    `load average (1 m): ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
