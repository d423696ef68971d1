"use strict";
// Shared by the bench scripts. The service runs as `npm start` runs it, in its own process, so the load
// generator never competes with it for the event loop.
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

/**
 * Starts `node dist/shared/local/start.js` (or another script that prints the same ready lines) on a free port
 * and resolves with its URLs and process id once it is ready.
 */
function spawnService(env = {}, entry = dist("shared", "local", "start.js")) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(" ") : [];
  const child = spawn(process.execPath, [...nodeArgs, entry], {
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

/** Starts the compiled service in this process (timers off), for benches that look inside it. */
/**
 * Starts an embedded Cosmos server that counts the write requests it serves (creates, replaces, upserts,
 * patches, deletes; a query is a POST too but is not a write), and points the service at it. This counts
 * what Cosmos would bill as writes, whatever port method caused them.
 */
async function countingCosmos() {
  const { createHttpServer } = require("@vercel/cosmosdb-server");
  const counter = { writes: 0 };
  const server = createHttpServer({ keepAlive: true });
  server.on("request", (req) => {
    const isQuery = req.headers["x-ms-documentdb-isquery"] !== undefined;
    if (/\/docs/.test(req.url ?? "") && req.method !== "GET" && !isQuery) counter.writes += 1;
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.COSMOS_ENDPOINT = `http://127.0.0.1:${server.address().port}`;
  process.env.COSMOS_KEY = "bG9jYWwtY29zbW9zLWtleQ==";
  return {
    counter,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/**
 * Runs the sweeper and lets every message settle until the outbox stops growing; returns the seconds it took
 * and the broker's queue operations in that time (published, received, completed and abandoned). Time moves
 * 10 s per round, so reports that came before their send was recorded are retried (after 5 s).
 */
async function drainToOutbox(service) {
  const before = service.broker.stats();
  const started = process.hrtime.bigint();
  for (let previous = -1; service.outbox.list().length !== previous;) {
    previous = service.outbox.list().length;
    await service.host.runTimer("sweepOrders");
    await service.settle();
    service.clock.freeze(new Date(service.clock.now().getTime() + 10_000));
  }
  const after = service.broker.stats();
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    queueOps: ["published", "received", "completed", "abandoned"].reduce(
      (sum, k) => sum + after[k] - before[k],
      0,
    ),
    deadLettered: after.deadLettered,
  };
}

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

module.exports = {
  root,
  requireCompiled,
  spawnService,
  startInProcess,
  drainToOutbox,
  countingCosmos,
  token,
  percentile,
  cpuMeter,
  latencySummary,
};
