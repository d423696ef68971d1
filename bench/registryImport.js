"use strict";
// node bench/registryImport.js [--persons 500000]
//
// A KRR-sized import in bounded memory: writes a streamed register file (docs/registry-format.md) of
// --persons/10 and then --persons persons, imports each with `npm run registry:import`'s code in a child
// process of its own (so its peak RSS is the import's alone) into the embedded Cosmos server of a local service
// (its own process), and prints persons imported per second (validation pass and writes), the import's peak
// RSS, the ratios between the two sizes (a flat RSS ratio is the bounded memory) and the time 5.5 million
// persons would take at that rate.
//
// The files are deltas (one upsert per person, in sequence): a snapshot writes the same way and then removes
// what it did not list with one query over the container, which the embedded server cannot run over more
// than about 10,000 one-document partitions (its scans stall), so that step is left to Cosmos DB itself.
const { once } = require("node:events");
const { createWriteStream } = require("node:fs");
const { mkdtemp, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { spawn } = require("node:child_process");
const { requireCompiled, spawnService } = require("./support");

const krrPopulation = 5_500_000;

function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

/** Valid fødselsnumre in order (both mod-11 check digits; a base needing a 10 is skipped). */
function* nationalIdentityNumbers() {
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  for (let n = 0; ; n += 1) {
    const day = 1 + (n % 28);
    const month = 1 + (Math.floor(n / 28) % 12);
    const year = Math.floor(n / 336) % 100;
    const individual = Math.floor(n / 33600) % 1000;
    const digits = [day, month, year]
      .map((v) => String(v).padStart(2, "0"))
      .join("")
      .concat(String(individual).padStart(3, "0"))
      .split("")
      .map(Number);
    const k1 = (11 - (digits.reduce((s, d, i) => s + d * w1[i], 0) % 11)) % 11;
    if (k1 === 10) continue;
    const k2 = (11 - ([...digits, k1].reduce((s, d, i) => s + d * w2[i], 0) % 11)) % 11;
    if (k2 === 10) continue;
    yield `${digits.join("")}${k1}${k2}`;
  }
}

/** Streams a delta of `count` persons to `file`, waiting whenever the file stream is full. */
async function writeDelta(file, count, source) {
  const out = createWriteStream(file, { encoding: "utf8" });
  const write = async (value) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, "drain");
  };
  await write({ format: "varsel-registry", version: 1, kind: "delta", source });
  const ids = nationalIdentityNumbers();
  for (let i = 0; i < count; i += 1) {
    await write({
      sequence: i + 1,
      person: {
        nationalIdentityNumber: ids.next().value,
        name: `Person ${i}`,
        email: `person${i}@example.com`,
        mobileNumber: `+479${String(i).padStart(7, "0")}`,
        reserved: i % 50 === 0,
        emailLastVerified: "2026-01-15",
        mobileNumberLastVerified: "2026-01-15",
      },
    });
  }
  out.end();
  await once(out, "finish");
}

/** The import, in a process of its own: prints its duration and peak RSS as JSON. */
async function child(file, endpoint) {
  const { runRegistryImport } = requireCompiled("shared", "local", "registryImport.js");
  const { embeddedCosmosKey } = requireCompiled("shared", "local", "embeddedCosmos.js");
  const started = process.hrtime.bigint();
  const lines = [];
  const code = await runRegistryImport(
    [file],
    { COSMOS_ENDPOINT: endpoint, COSMOS_KEY: embeddedCosmosKey, COSMOS_DATABASE: "varsel" },
    { info: (l) => lines.push(l), error: (l) => lines.push(l) },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${JSON.stringify({ code, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, lines })}\n`,
  );
}

function runChild(file, endpoint) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [join(__dirname, "registryImport.js"), "--child", file, endpoint], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    proc.stdout.on("data", (chunk) => (output += chunk));
    proc.once("exit", (code) => {
      if (code !== 0) reject(new Error(`import process exited with ${code}`));
      else resolve(JSON.parse(output.trim().split("\n").pop()));
    });
  });
}

async function main() {
  const persons = argument("persons", 500_000);
  const sizes = [Math.round(persons / 10), persons];
  const dir = await mkdtemp(join(tmpdir(), "varsel-bench-registry-"));
  const service = await spawnService({ LOCAL_PERSIST: "false", LOCAL_COSMOS_PORT: "0" });
  try {
    const results = [];
    for (const [index, size] of sizes.entries()) {
      const file = join(dir, `krr-${size}.ndjson`);
      await writeDelta(file, size, `krr-${index}`);
      const result = await runChild(file, service.cosmosEndpoint);
      if (result.code !== 0) throw new Error(`import failed: ${result.lines.join("; ")}`);
      const rate = size / result.seconds;
      results.push({ size, rate, rss: result.maxRssMb });
      console.log(
        `${size.toLocaleString("en")} persons: ${result.seconds.toFixed(1)} s (validate + import), ` +
          `${Math.round(rate).toLocaleString("en")} persons/s, peak RSS ${result.maxRssMb.toFixed(0)} MB`,
      );
      console.log(`  ${result.lines.join("; ")}`);
    }
    const [small, large] = results;
    console.log(
      `ratio ${large.size / small.size}× persons: peak RSS ×${(large.rss / small.rss).toFixed(2)}, persons/s ×${(large.rate / small.rate).toFixed(2)}`,
    );
    const minutes = krrPopulation / large.rate / 60;
    console.log(
      `5,500,000 persons at ${Math.round(large.rate).toLocaleString("en")} persons/s: ${minutes.toFixed(0)} min`,
    );
  } finally {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  child(process.argv[3], process.argv[4]).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
