"use strict";
// kill -9 in the middle of sending 1,000 orders, then a restart on the same data folder: prints one line of
// figures per run (orders accepted, messages in the outbox at the kill and after recovery, SMS duplicates in
// the documented window, messages whose delivery report died with the process, time to recover).
//
// The scenario is the end-to-end test tests/e2e/killAndRestart.e2e.test.ts (one implementation, with its
// assertions): this script runs it with vitest and keeps only the figures, and fails when the test fails.
//
//   npm run build && node bench/crash.js [runs]
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { root } = require("./support");

const runs = Number(process.argv[2] ?? 1);
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const testFile = "tests/e2e/killAndRestart.e2e.test.ts";
if (!existsSync(join(root, "dist", "shared", "local", "start.js"))) {
  throw new Error("dist/ is missing: run `npm run build` first");
}

for (let run = 1; run <= runs; run += 1) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [vitest, "run", testFile, "--reporter=dot"], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout}${result.stderr}`;
  // vitest prints a test's console output below a "stdout | …" header.
  for (const line of output.split("\n").filter((l) => l.startsWith("kill -9:"))) {
    console.log(`run ${run}: ${line}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(output);
    throw new Error(`run ${run} failed after ${seconds} s (exit ${result.status ?? result.signal})`);
  }
  console.log(`run ${run}: passed in ${seconds} s`);
}
