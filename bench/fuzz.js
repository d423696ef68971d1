"use strict";
/* global clearTimeout, structuredClone, URLSearchParams */
// bench/fuzz: a hostile client against the service as `npm start` runs it (its own process, memory only, on
// loopback). For each seed it sends --requests generated and mutated requests to every route (bodies, headers,
// tokens, ids, query strings, delivery reports, malformed HTTP), --concurrency at a time; then opens
// --connections connections at once, each sending a valid and a mutated order. Prints the answers by status,
// the hangs (no answer within 5 s), the requests accepted that should have been refused, and any 5xx or reset.
// Bounded: at most --requests per seed and --max-seconds in all. Exits 1 unless there is no 5xx, hang, reset
// or invalid acceptance.
// Usage: npm run build && node bench/fuzz.js [--seeds 1,2] [--requests 5600] [--concurrency 32]
//        [--connections 1000] [--max-seconds 900]
const http = require("node:http");
const net = require("node:net");
const { parseArgs } = require("node:util");
const fc = require("fast-check");
const { spawnService, token, requireCompiled } = require("./support");
const cases = require("./fuzzCases");

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "1,2" },
    requests: { type: "string", default: "5600" },
    concurrency: { type: "string", default: "32" },
    connections: { type: "string", default: "1000" },
    "max-seconds": { type: "string", default: "900" },
  },
});
const seeds = values.seeds.split(",").map(Number);
const perSeed = Number(values.requests);
const concurrency = Number(values.concurrency);
const connections = Number(values.connections);
const deadline = Date.now() + Number(values["max-seconds"]) * 1000;
const hangMs = 5_000;

const identifiers = requireCompiled("shared", "domain", "norwegianIdentifiers.js");
const tenant = "991825827";

/** Requests by what came back: statuses, hangs, resets, invalid acceptances, 5xx, latencies. */
function newTally() {
  return {
    sent: 0,
    byStatus: {},
    hangs: 0,
    resets: 0,
    acceptedInvalid: [],
    serverErrors: [],
    latencies: [],
    slowest: [],
  };
}

/** The tally being filled, and how long a request may go unanswered before it counts as a hang. */
let tally = newTally();
let answerTimeoutMs = hangMs;

function record(kind, outcome, detail) {
  tally.sent += 1;
  const key = String(outcome.status ?? outcome.error);
  tally.byStatus[key] = (tally.byStatus[key] ?? 0) + 1;
  if (outcome.ms !== undefined) {
    tally.latencies.push(outcome.ms);
    tally.slowest.push({
      kind,
      ms: Math.round(outcome.ms),
      status: outcome.status ?? outcome.error,
      bytes: String(detail).length,
    });
    tally.slowest.sort((a, b) => b.ms - a.ms).splice(3);
  }
  if (outcome.error === "hang") tally.hangs += 1;
  else if (outcome.error) tally.resets += 1;
  // A 503 is how the host says a limit is reached; without Retry-After it is a failure like any 5xx.
  const refusedProperly = outcome.status === 503 && outcome.headers?.["retry-after"] !== undefined;
  if ((outcome.status >= 500 && !refusedProperly) || outcome.error) {
    tally.failures = (tally.failures ?? 0) + 1;
    if (tally.serverErrors.length < 10)
      tally.serverErrors.push({
        kind,
        outcome: { ...outcome, text: outcome.text?.slice(0, 200) },
        detail: String(detail).slice(0, 300),
      });
  }
}

function invalidAccepted(kind, reasons, detail) {
  tally.acceptedInvalid.push({ kind, reasons, detail: String(detail).slice(0, 300) });
}

/** One HTTP request; resolves with the status and body, or the error code, or "hang" after 5 s. */
function send(agent, base, { method, path, headers = {}, body }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const url = new URL(base + path);
    const request = http.request(
      { agent, host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode,
            headers: response.headers,
            text: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          });
        });
        response.on("error", (error) => resolve({ error: error.code ?? error.message }));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      resolve({ error: "hang", ms: answerTimeoutMs });
    }, answerTimeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      resolve({ error: error.code ?? error.message, ms: performance.now() - started });
    });
    if (body !== undefined) request.end(body);
    else request.end();
  });
}

/** Writes raw bytes on a fresh connection and resolves with the status line the server sent, if any. */
function sendRaw(port, bytes) {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ error: "hang", ms: answerTimeoutMs });
    }, answerTimeoutMs);
    socket.on("data", (chunk) => (text += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve(
        status
          ? { status: Number(status), ms: performance.now() - started }
          : { error: "closed without answer" },
      );
    });
    socket.end(bytes);
  });
}

// ── generators (fast-check, sampled with a fixed seed) ──────────────────────────────────────────────────

const hostileValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...cases.hostileStrings) },
  { weight: 2, arbitrary: fc.constantFrom(...cases.hostileNumbers) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constant(null), fc.integer(), fc.double()) },
);
const mutation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("set"), pathIndex: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("delete"), pathIndex: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("add"),
      pathIndex: fc.nat(),
      key: fc.constantFrom("extra", "__proto__", "constructor", "zz", ""),
      value: hostileValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("repeat"),
      pathIndex: fc.nat(),
      count: fc.integer({ min: 0, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("wrap"),
      pathIndex: fc.nat(),
      count: fc.integer({ min: 1, max: 80 }),
    }),
  },
);
const textMutation = cases.textMutationArbitrary(fc);
const tokenKind = fc.oneof(
  { weight: 12, arbitrary: fc.constant("valid") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("expired", "missing", "tampered", "garbage", "noScope", "otherTenant"),
  },
);
const queryValue = fc.oneof(
  fc.constantFrom(...cases.hostileQueryValues),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constant("x".repeat(300)),
);
const readRoutes = [
  ["GET", "future/orders/{id}"],
  ["PUT", "future/orders/{id}/cancel"],
  ["GET", "future/shipment/{id}"],
  ["GET", "future/shipment/feed"],
  ["GET", "orders"],
  ["GET", "orders/{id}"],
  ["GET", "orders/{id}/status"],
  ["PUT", "orders/{id}/cancel"],
  ["GET", "orders/{id}/notifications/email"],
  ["GET", "orders/{id}/notifications/sms"],
  ["GET", "operations/dead-delivery-reports"],
  ["GET", "health"],
  ["GET", "openapi.json"],
];
const rawRequests = [
  "GARBAGE\r\n\r\n",
  "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
  "POST /notifications/api/v1/future/orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  "POST /notifications/api/v1/future/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
  "GET /notifications/api/v1/health HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n",
  "GET /notifications/api/v1/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET /notifications/api/v1/orders/..%2f..%2fetc HTTP/1.1\r\nHost: x\r\n\r\n",
  "POST /notifications/api/v1/future/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{}",
];

const request = fc.oneof(
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant("json"),
      operationId: fc.constantFrom(...Object.keys(cases.jsonRoutes)),
      base: fc.nat(),
      mutations: fc.array(mutation, { maxLength: 3 }),
      textMutations: fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(textMutation, { maxLength: 2 }) },
      ),
      replacement: fc.oneof(
        { weight: 8, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? "") },
        {
          weight: 1,
          arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
        },
      ),
      contentType: fc.constantFrom(...Array(16).fill("application/json"), ...cases.contentTypes, null),
      token: tokenKind,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("read"),
      route: fc.constantFrom(...readRoutes),
      id: fc.oneof(
        fc.constant("known"),
        fc.uuid(),
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.constant("x".repeat(3000)),
      ),
      query: fc.dictionary(
        fc.constantFrom("seq", "pageSize", "orderBy", "sendersReference", "other"),
        queryValue,
        { maxKeys: 4 },
      ),
      token: tokenKind,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("report"),
      textMutations: fc.array(textMutation, { maxLength: 2 }),
      contentType: fc.constantFrom(
        "application/xml",
        "text/xml; charset=utf-8",
        "text/plain",
        "application/json",
        null,
      ),
      goodAuth: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("raw"), bytes: fc.constantFrom(...rawRequests) }) },
);

// ── the run ──────────────────────────────────────────────────────────────────────────────────────────────

async function main() {
  const service = await spawnService({ LOCAL_PERSIST: "false", LOCAL_COSMOS_PORT: "0" });
  const base = service.apiUrl;
  const port = Number(new URL(base).port);
  const signing = requireCompiled("shared", "local", "signingKey.js");
  const key = await signing.localSigningKey();
  const valid = await token(tenant);
  const tokens = {
    valid,
    expired: await signing.signLocalToken(key, { organizationNumber: tenant, expiresInSeconds: -1 }),
    noScope: await signing.signLocalToken(key, { organizationNumber: tenant, scope: "openid" }),
    otherTenant: await token("974760673"),
    tampered: valid.slice(0, 40) + (valid[40] === "A" ? "B" : "A") + valid.slice(41),
    garbage: "not-a-token",
    missing: undefined,
  };
  const bodies = cases.validBodies(new Date());
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const knownIds = [];
  const reportAuth = `Basic ${Buffer.from("link-reports:local-report-password").toString("base64")}`;
  const reportXml = Buffer.from(
    '<?xml version="1.0"?><MSGLST><MSG><ID>1</ID><REF>gw-x</REF><RCV>4798765432</RCV><STATE>DELIVRD</STATE></MSG></MSGLST>',
  );
  let sequence = 0;

  async function run(spec) {
    const headers = {};
    const authorize = (kind) => {
      if (tokens[kind]) headers.authorization = `Bearer ${tokens[kind]}`;
    };
    if (spec.kind === "json") {
      const route = cases.jsonRoutes[spec.operationId];
      const options = bodies[spec.operationId];
      let body = structuredClone(options[spec.base % options.length]);
      if ("idempotencyId" in body) body.idempotencyId = `bench-fuzz-${process.pid}-${sequence++}`;
      for (const m of spec.mutations) body = cases.applyMutation(body, m);
      let bytes =
        spec.replacement === null
          ? Buffer.from(JSON.stringify(body) ?? "")
          : Buffer.from(spec.replacement, "latin1");
      for (const m of spec.textMutations) bytes = cases.applyTextMutation(bytes, m);
      authorize(spec.token);
      if (spec.contentType !== null) headers["content-type"] = spec.contentType;
      headers["content-length"] = String(bytes.length);
      const outcome = await send(agent, base, {
        method: route.method,
        path: `/${route.path}`,
        headers,
        body: bytes,
      });
      record(spec.operationId, outcome, bytes.toString("utf8"));
      if (outcome.status >= 200 && outcome.status < 300) {
        const reasons = [];
        if (spec.token !== "valid" && spec.token !== "otherTenant")
          reasons.push(`token ${spec.token} accepted`);
        if (!cases.contentTypeAccepted(spec.contentType ?? undefined))
          reasons.push(`Content-Type ${spec.contentType} accepted`);
        let parsed;
        try {
          parsed = JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, ""));
        } catch {
          reasons.push("unparsable body accepted");
        }
        if (parsed !== undefined)
          reasons.push(...cases.acceptedInvalid(spec.operationId, parsed, new Date(), identifiers));
        if (reasons.length > 0) invalidAccepted(spec.operationId, reasons, bytes.toString("utf8"));
        try {
          const receipt = JSON.parse(outcome.text);
          for (const id of [receipt.orderId, receipt.notificationOrderId, receipt.notification?.shipmentId]) {
            if (id && knownIds.length < 200) knownIds.push(id);
          }
        } catch {
          // a receipt is always JSON; the oracle above already judged the request
        }
      }
    } else if (spec.kind === "read") {
      const [method, template] = spec.route;
      const id = spec.id === "known" ? (knownIds[sequence++ % Math.max(1, knownIds.length)] ?? "x") : spec.id;
      const query = new URLSearchParams(spec.query).toString();
      const path = `/${template.replace("{id}", encodeURIComponent(id))}${query ? `?${query}` : ""}`;
      authorize(spec.token);
      const outcome = await send(agent, base, { method, path, headers });
      record(`${method} ${template}`, outcome, path);
      const ok = outcome.status >= 200 && outcome.status < 300;
      const open = template === "health" || template === "openapi.json";
      if (ok && !open && !["valid", "otherTenant"].includes(spec.token)) {
        invalidAccepted(template, [`token ${spec.token} accepted`], path);
      }
      if (ok && template === "future/shipment/feed") {
        const { seq = "0", pageSize, orderBy = "asc" } = spec.query;
        const reasons = [];
        if (!/^\d+$/.test(seq) || Number(seq) > Number.MAX_SAFE_INTEGER)
          reasons.push(`seq ${JSON.stringify(seq)}`);
        if (pageSize !== undefined && !/^-?\d+$/.test(pageSize))
          reasons.push(`pageSize ${JSON.stringify(pageSize)}`);
        if (!["asc", "desc"].includes(orderBy.toLowerCase()))
          reasons.push(`orderBy ${JSON.stringify(orderBy)}`);
        if (reasons.length > 0) invalidAccepted(template, reasons, path);
      }
    } else if (spec.kind === "report") {
      let bytes = reportXml;
      for (const m of spec.textMutations) bytes = cases.applyTextMutation(bytes, m);
      headers.authorization = spec.goodAuth ? reportAuth : "Basic eDp5";
      if (spec.contentType !== null) headers["content-type"] = spec.contentType;
      const outcome = await send(agent, base, {
        method: "POST",
        path: "/delivery-reports/sms",
        headers,
        body: bytes,
      });
      record("delivery-reports/sms", outcome, bytes.toString("utf8"));
      if (outcome.status === 200 && !spec.goodAuth)
        invalidAccepted("delivery-reports/sms", ["wrong credentials accepted"], "");
    } else {
      record("raw", await sendRaw(port, spec.bytes), spec.bytes.slice(0, 80));
    }
  }

  const started = Date.now();
  let mutated;
  let mutatedSeconds;
  let burst;
  let burstSeconds;
  try {
    for (const seed of seeds) {
      const specs = fc.sample(request, { seed, numRuns: perSeed });
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < specs.length && Date.now() < deadline) await run(specs[next++]);
        }),
      );
      console.log(`seed ${seed}: ${next} requests sent`);
    }

    mutated = tally;
    mutatedSeconds = (Date.now() - started) / 1000;

    // Then 1,000 connections at once, each sending a valid order, a feed read and one generated request. The
    // host queues what it cannot run at once, so answers may take longer than 5 s; a request unanswered after
    // 60 s counts as a hang here.
    if (connections > 0) {
      tally = newTally();
      answerTimeoutMs = 60_000;
      const burstStarted = Date.now();
      const burstAgent = new http.Agent({ keepAlive: true, maxSockets: connections });
      const burstSpecs = fc.sample(
        request.filter((s) => s.kind === "json" || s.kind === "read"),
        { seed: 99, numRuns: connections },
      );
      await Promise.all(
        Array.from({ length: connections }, async (_, i) => {
          const body = JSON.stringify({
            ...bodies.createOrderChain[0],
            idempotencyId: `burst-${process.pid}-${i}`,
          });
          const headers = { authorization: `Bearer ${valid}`, "content-type": "application/json" };
          const post = await send(burstAgent, base, {
            method: "POST",
            path: "/future/orders",
            headers,
            body,
          });
          record("burst POST future/orders", post, body);
          const feed = await send(burstAgent, base, {
            method: "GET",
            path: "/future/shipment/feed?seq=0&pageSize=20",
            headers,
          });
          record("burst GET feed", feed, "");
          await run(burstSpecs[i]);
        }),
      );
      burstAgent.destroy();
      burst = tally;
      burstSeconds = (Date.now() - burstStarted) / 1000;
    }
  } finally {
    agent.destroy();
    await service.close();
  }

  const statuses = (t) => JSON.stringify(Object.fromEntries(Object.entries(t.byStatus).sort()));
  const latency = (t) => {
    const sorted = [...t.latencies].sort((x, y) => x - y);
    const at = (p) =>
      (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(0);
    return `p50 ${at(50)} ms, p99 ${at(99)} ms, max ${at(100)} ms`;
  };
  const fiveXX = (t) =>
    Object.entries(t.byStatus)
      .filter(([status]) => Number(status) >= 500)
      .reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `\nmutated requests, seeds ${seeds.join(",")}: ${mutated.sent} in ${mutatedSeconds.toFixed(1)} s (${(mutated.sent / mutatedSeconds).toFixed(0)}/s)`,
  );
  console.log(`  by status: ${statuses(mutated)}`);
  console.log(
    `  5xx: ${fiveXX(mutated)}   hangs (> ${hangMs / 1000} s): ${mutated.hangs}   resets: ${mutated.resets}   accepted invalid: ${mutated.acceptedInvalid.length}   latency ${latency(mutated)}`,
  );
  console.log(`  slowest: ${JSON.stringify(mutated.slowest)}`);
  if (burst) {
    console.log(
      `${connections} concurrent connections, 3 requests each: ${burst.sent} in ${burstSeconds.toFixed(1)} s`,
    );
    console.log(`  by status: ${statuses(burst)}`);
    console.log(
      `  5xx: ${fiveXX(burst)} (503 with Retry-After: ${burst.byStatus["503"] ?? 0})   unanswered after 60 s: ${burst.hangs}   resets: ${burst.resets}   accepted invalid: ${burst.acceptedInvalid.length}   latency ${latency(burst)}`,
    );
  }
  for (const t of [mutated, burst].filter(Boolean)) {
    for (const e of t.serverErrors) console.log("  failure:", JSON.stringify(e));
    for (const e of t.acceptedInvalid.slice(0, 10)) console.log("  accepted invalid:", JSON.stringify(e));
  }
  const clean = (t) => !t || ((t.failures ?? 0) === 0 && t.hangs === 0 && t.acceptedInvalid.length === 0);
  // The mutated run must get no 5xx at all; in the burst only a 503 with Retry-After is allowed.
  process.exitCode = clean(mutated) && fiveXX(mutated) === 0 && clean(burst) ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
