"use strict";
// bench/acsSend: the CPU the service spends on one email's ACS call. AcsEmailSender sends --sends emails (32 at a
// time, after 500 to warm up) to the local ACS endpoint, which runs in a process of its own so that only the
// client's work is timed. Prints the client's CPU time per send (user and system), over --runs runs.
// Usage: npm run build && node bench/acsSend.js [--sends 5000] [--runs 3]
const { fork } = require("node:child_process");
const { randomUUID } = require("node:crypto");
const { parseArgs } = require("node:util");
const { requireCompiled } = require("./support");

const { values } = parseArgs({
  options: {
    sends: { type: "string", default: "5000" },
    runs: { type: "string", default: "3" },
    serve: { type: "boolean", default: false },
  },
});

/** The child: the local ACS endpoint, its address sent to the parent. */
async function serve() {
  const { startFakeAcs } = requireCompiled("shared", "local", "fakeAcs.js");
  const { Outbox } = requireCompiled("shared", "local", "outbox.js");
  const acs = await startFakeAcs({ outbox: new Outbox() });
  process.send({ endpoint: acs.endpoint, accessKey: acs.accessKey });
  process.on("disconnect", () => process.exit());
}

async function cpuPerSend(sender, sends) {
  const send = () =>
    sender.send({
      notificationId: randomUUID(),
      from: "noreply@example.net",
      to: "recipient@example.net",
      subject: "Subject",
      body: "A plain text body.",
      contentType: "Plain",
    });
  for (let i = 0; i < 500; i += 1) await send();
  const before = process.cpuUsage();
  let started = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (started < sends) {
        started += 1;
        const outcome = await send();
        if (outcome.outcome !== "accepted") throw new Error(`send not accepted: ${outcome.result}`);
      }
    }),
  );
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000 / sends;
}

async function main() {
  const { AcsEmailSender } = requireCompiled("shared", "adapters", "acs", "acsEmailSender.js");
  const child = fork(process.argv[1], ["--serve"], { stdio: "inherit" });
  const { endpoint, accessKey } = await new Promise((resolve) => child.once("message", resolve));
  try {
    for (let run = 1; run <= Number(values.runs); run += 1) {
      const sender = new AcsEmailSender({ endpoint, accessKey, allowInsecureConnection: true });
      const ms = await cpuPerSend(sender, Number(values.sends));
      console.log(`run ${run}: ${values.sends} sends, client CPU ${ms.toFixed(3)} ms per send`);
    }
  } finally {
    child.kill();
  }
}

(values.serve ? serve() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
