"use strict";
// Runs Altinn's own Bruno request collection (components/api/test/bruno in Altinn/altinn-notifications)
// against varsel as `npm start` runs it, and judges every response against what Altinn's code would answer
// for the same request and the same data. The collection is Altinn's and is read from a local checkout; it
// is never copied into this repository.
//
//   npm run build && node bench/bruno.js /path/to/altinn-notifications [--verbose]
//
// Test data comes from the sample register (shared/local/sampleRegistry.json); the condition URLs point at
// varsel's own `tests/sendcondition` route, as Altinn points them at its own.
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { createServer } = require("node:net");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");
const { execFile, spawn } = require("node:child_process");
const { root, spawnService, requireCompiled } = require("./support");
const { expectations, folders } = require("./brunoExpectations");

const sampleRegister = {
  TESTDATA_TENOR_SET_1_PERSON: "15838510075",
  TESTDATA_TENOR_SET_2_PERSON: "02879110001",
  TESTDATA_TENOR_SET_1_ORG: "310000019",
  TESTDATA_TENOR_SET_2_ORG: "310000027",
  TESTDATA_MY_EMAIL: "bruno.run@example.com",
  TESTDATA_MY_PHONE: "+4741000099",
  TESTDATA_EXTERNAL_IDENTITY_IDPORTEN_EMAIL: "selvid@example.com",
  TESTDATA_EXTERNAL_IDENTITY_LEGACY_USERNAME: "testbruker",
};

function collectionDir(checkout) {
  for (const candidate of [checkout, join(checkout, "components", "api", "test", "bruno")]) {
    if (existsSync(join(candidate, "bruno.json"))) return candidate;
  }
  throw new Error(`no Bruno collection under ${checkout} (expected components/api/test/bruno/bruno.json)`);
}

async function mintToken(organizationNumber, scope) {
  const signing = requireCompiled("shared", "local", "signingKey.js");
  return signing.signLocalToken(await signing.localSigningKey(), { organizationNumber, scope });
}

/** A port nothing listens on now, for the service's local blob storage (Azurite's 10000 may be taken). */
function freePort() {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** The environment without LOCAL_BLOB_ENDPOINT, so the upload goes to LOCAL_BLOB_PORT. */
function withoutBlobEndpoint(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name !== "LOCAL_BLOB_ENDPOINT"));
}

/** Puts a file on the service's local blob storage with `npm run blob:upload` and returns its read SAS URL. */
function uploadBlob(blobPort, file) {
  const script = join(root, "dist", "shared", "local", "blobUpload.js");
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [script, file],
      { env: { ...withoutBlobEndpoint(process.env), LOCAL_BLOB_PORT: String(blobPort) } },
      (error, stdout, stderr) => (error ? fail(new Error(`blob upload: ${stderr}`)) : done(stdout.trim())),
    );
  });
}

/** The composed-email attachments: a small PDF and a small spreadsheet on the local blob storage. */
async function attachmentUrls(blobPort, work) {
  const pdf = join(work, "document.pdf");
  const xlsx = join(work, "spreadsheet.xlsx");
  writeFileSync(pdf, "%PDF-1.4\n% varsel bench/bruno.js\n%%EOF\n");
  writeFileSync(xlsx, Buffer.from("504b0506000000000000000000000000000000000000", "hex"));
  return {
    TESTDATA_ATTACHMENT_SAS_URL: await uploadBlob(blobPort, pdf),
    TESTDATA_ATTACHMENT_SAS_URL_2: await uploadBlob(blobPort, xlsx),
  };
}

function runBruno(cwd, args, env, verbose) {
  const cli = join(root, "node_modules", "@usebruno", "cli", "bin", "bru.js");
  if (!existsSync(cli)) throw new Error("@usebruno/cli is missing: run `npm ci`");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, "run", ...args], {
      cwd,
      env,
      stdio: ["ignore", verbose ? "inherit" : "ignore", verbose ? "inherit" : "ignore"],
    });
    child.once("error", fail);
    child.once("exit", (code) => done(code));
  });
}

function parseArgs(argv) {
  const verbose = argv.includes("--verbose");
  const checkout = argv.find((a) => !a.startsWith("--"));
  if (!checkout) {
    process.stderr.write(
      "usage: node bench/bruno.js <checkout of Altinn/altinn-notifications> [--verbose]\n",
    );
    process.exit(2);
  }
  return { checkout: resolve(checkout), verbose };
}

async function main() {
  const { checkout, verbose } = parseArgs(process.argv.slice(2));
  const cwd = collectionDir(checkout);
  const metricsKey = "bruno-metrics-key";
  const blobPort = await freePort();
  const service = await spawnService({
    LOCAL_PERSIST: "false",
    LOCAL_COSMOS_PORT: "0",
    LOCAL_BLOB_PORT: String(blobPort),
    METRICS_API_KEY: metricsKey,
  });
  const work = mkdtempSync(join(tmpdir(), "varsel-bruno-"));
  try {
    const host = service.apiUrl.replace(/\/notifications\/api\/v1$/, "");
    const condition = `${service.apiUrl}/tests/sendcondition?conditionMet=`;
    const env = {
      ...process.env,
      ...sampleRegister,
      ...(await attachmentUrls(blobPort, work)),
      TESTDATA_URL_CONDITION_TRUE: `${condition}true`,
      TESTDATA_URL_CONDITION_FALSE: `${condition}false`,
      // Anything but a condition answer: Altinn's corrupt URL answers non-200, and the order is sent anyway.
      TESTDATA_URL_CONDITION_CORRUPT: `${service.apiUrl}/tests/sendcondition/corrupt`,
      TESTDATA_REQUESTED_SEND_TIME: new Date(Date.now() + 3600 * 1000).toISOString(),
      METRICS_API_KEY: metricsKey,
      METRICS_SUBSCRIPTION_KEY: "unused-locally",
    };
    const report = join(work, "report.json");
    // A service owner granted composed email too (Altinn's ComposedEmailCreateScope policy), as the
    // collection's composed-email requests assume; the support dashboard scope it has not.
    const jwt = await mintToken(
      sampleRegister.TESTDATA_TENOR_SET_1_ORG,
      "altinn:serviceowner/notifications.create altinn:serviceowner/notifications.composedemail.create",
    );
    const args = [
      ...folders,
      "-r",
      "--env",
      "v2 local",
      "--env-var",
      `host=${host}`,
      "--env-var",
      `jwt=${jwt}`,
      // Without these each folder's pre-request script calls Altinn's external token generator first.
      "--env-var",
      "jwt_env=at22",
      "--env-var",
      `jwt_from=${Date.now()}`,
      "--reporter-json",
      report,
    ];
    await runBruno(cwd, args, env, verbose);
    if (!existsSync(report)) throw new Error("Bruno wrote no report (run with --verbose)");
    const results = JSON.parse(readFileSync(report, "utf8")).flatMap((iteration) => iteration.results);
    printVerdicts(results, await pipelineFacts(service.apiUrl, jwt));
  } finally {
    await service.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** What the service did after answering, for expectations that look past the response (the outbox). */
async function pipelineFacts(apiUrl, jwt) {
  await new Promise((r) => setTimeout(r, 1500)); // let due orders go out through the in-process broker
  const outbox = await fetch(`${apiUrl}/local/outbox`).then((r) => r.json());
  return { outbox, apiUrl, jwt };
}

function printVerdicts(results, facts) {
  const tally = { requests: 0, asAltinn: 0, different: 0, brunoPassed: 0, brunoFailed: 0 };
  const seen = {};
  for (const result of results) {
    const file = result.test?.filename ?? result.name;
    const expectation = expectations[file];
    const status = result.response?.status;
    tally.requests += 1;
    const tests = [...(result.testResults ?? []), ...(result.assertionResults ?? [])];
    const failed = tests.filter((t) => t.status !== "pass").length;
    tally.brunoPassed += tests.length - failed;
    tally.brunoFailed += failed;
    let verdict;
    if (!expectation) verdict = "no expectation recorded for this request";
    else verdict = expectation.judge(result, { ...facts, seen }) ?? undefined;
    seen[file] = result;
    if (verdict === undefined) tally.asAltinn += 1;
    else tally.different += 1;
    const brunoTests = tests.length ? ` (Bruno tests ${tests.length - failed}/${tests.length})` : "";
    const line = `${verdict === undefined ? "as Altinn " : "DIFFERENT "} ${String(status ?? "---")}  ${file}${brunoTests}`;
    console.log(verdict === undefined ? line : `${line}\n             ${verdict}`);
  }
  console.log(
    `\n${tally.requests} requests: ${tally.asAltinn} as Altinn's code would answer, ${tally.different} different; ` +
      `Bruno's own tests ${tally.brunoPassed} passed, ${tally.brunoFailed} failed`,
  );
  if (tally.different > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
