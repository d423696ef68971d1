"use strict";
// bench/pacing: provider pacing against a rate-limited local ACS endpoint. One legacy `orders/email` order
// with --emails plain addresses goes through the service (in a child process of this script, on the real
// clock) twice: unpaced, with no limit anywhere, to measure what this machine sends at all; then paced, with
// the local ACS endpoint taking --rate emails a second (a token bucket of one second's worth, 429 with
// Retry-After above it) and the pacer set to the same rate. Prints the paced run's achieved rate against the
// configured one (from the order's 202 to the last email in the outbox) and the share of ACS calls answered
// 429, and the unpaced rate against the configured one (below 1, the machine cannot reach the rate at all).
// Targets: achieved ≥ 0.90 of the rate, ≤ 1 % of calls answered 429.
// Usage: npm run build && node bench/pacing.js [--emails 10000] [--rate 50] [--burst 50] [--skip-unpaced]
const { fork } = require("node:child_process");
const { parseArgs } = require("node:util");
const { startInProcess, token } = require("./support");

const { values } = parseArgs({
  options: {
    emails: { type: "string", default: "10000" },
    rate: { type: "string", default: "50" },
    burst: { type: "string", default: "50" },
    "skip-unpaced": { type: "boolean", default: false },
    run: { type: "string" },
  },
});
const emails = Number(values.emails);
const rate = Number(values.rate);
const burst = Number(values.burst);

/** One run in this process: the order, then the outbox polled until every email is in it. */
async function run() {
  const service = await startInProcess();
  try {
    const bearer = await token("991825827");
    const started = Date.now();
    const response = await fetch(`${service.host.apiUrl}/orders/email`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({
        subject: "Skattemeldingen er klar",
        body: "Hei, skattemeldingen din er klar.",
        recipients: Array.from({ length: emails }, (_, i) => ({ emailAddress: `person${i}@example.com` })),
      }),
    });
    if (response.status !== 202)
      throw new Error(`order refused: ${response.status} ${await response.text()}`);
    // The order holds emails only; every address is counted, also those the outbox's memory no longer keeps.
    const sentEmails = () => service.outbox.count();
    const addresses = new Set();
    service.outbox.subscribe((message) => addresses.add(message.to));
    // The sweeper runs every 15 s, as its timer would; six minutes without a new email (longer than the
    // sweeper's grace for a lost send) mean the run has stalled.
    for (let count = 0, lastProgress = Date.now(), lastSweep = Date.now(); count < emails;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = sentEmails();
      if (now > count) lastProgress = Date.now();
      count = now;
      if (Date.now() - lastSweep > 15_000) {
        lastSweep = Date.now();
        await service.host.runTimer("sweepOrders");
      }
      if (Date.now() - lastProgress > 360_000)
        throw new Error(
          `stalled at ${count} of ${emails} emails; broker ${JSON.stringify(service.broker.stats())}`,
        );
    }
    const seconds = (Date.now() - started) / 1000;
    return {
      seconds,
      sent: sentEmails(),
      addresses: addresses.size,
      calls: service.acs.sendRequests().length,
      throttled: service.acs.throttledCount(),
      deadLettered: service.broker.stats().deadLettered,
    };
  } finally {
    await service.close();
  }
}

/** Runs one configuration in a child process: settings are read once per process. */
function child(env) {
  return new Promise((resolve, reject) => {
    const worker = fork(process.argv[1], ["--run", "child", "--emails", String(emails)], {
      env: { ...process.env, ...env },
    });
    worker.once("message", resolve);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`run failed (exit ${code})`))));
  });
}

async function main() {
  if (values.run === "child") {
    process.send(await run());
    return;
  }
  const unpaced = values["skip-unpaced"]
    ? undefined
    : await child({ PACING_ACS_PER_MINUTE: "0", LOCAL_ACS_RATE_LIMIT_PER_SECOND: "" });
  const paced = await child({
    LOCAL_ACS_RATE_LIMIT_PER_SECOND: String(rate),
    PACING_ACS_PER_MINUTE: String(rate * 60),
    PACING_ACS_BURST: String(burst),
  });
  const achieved = paced.sent / paced.seconds;
  console.log(`emails                     : ${emails} (one legacy orders/email order)`);
  console.log(
    `configured rate            : ${rate}/s at the ACS endpoint and the pacer (pacer burst ${burst})`,
  );
  if (unpaced) {
    const capacity = unpaced.sent / unpaced.seconds;
    console.log(
      `unpaced, no limit          : ${unpaced.sent} in ${unpaced.seconds.toFixed(1)} s = ${capacity.toFixed(1)}/s  ratio to the rate ${(capacity / rate).toFixed(2)}`,
    );
  }
  console.log(
    `paced                      : ${paced.sent} in ${paced.seconds.toFixed(1)} s = ${achieved.toFixed(1)}/s  ratio ${(achieved / rate).toFixed(3)}  (target ≥ 0.90)`,
  );
  console.log(
    `ACS calls (paced)          : ${paced.calls}, answered 429: ${paced.throttled}  share ${((100 * paced.throttled) / paced.calls).toFixed(2)} %  (target ≤ 1 %)`,
  );
  console.log(`each address once (paced)  : ${paced.addresses === emails && paced.sent === emails}`);
  console.log(`dead-lettered (paced)      : ${paced.deadLettered}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
