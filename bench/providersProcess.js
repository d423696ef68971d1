"use strict";
// The local ACS endpoint and LINK gateway in a process of their own (started by support.js
// startProvidersProcess), as the providers are services of their own on Azure: the service's CPU then holds the
// service's side of each send and report only. Speaks to its parent over IPC: ready (the endpoints), count (the
// outbox, as it grows), report (an ACS report event, for the parent to put on the queue as Event Grid does),
// and idle (every report handed over or posted) when asked.
const { setInterval } = require("node:timers");
const { requireCompiled } = require("./support");

const { Outbox } = requireCompiled("shared", "local", "outbox.js");
const { startFakeAcs } = requireCompiled("shared", "local", "fakeAcs.js");
const { startLocalLinkGateway } = requireCompiled("shared", "local", "linkGateway.js");

const [credentials, reportCredentials] = JSON.parse(process.argv[2]);

async function main() {
  const outbox = new Outbox();
  const acs = await startFakeAcs({ outbox, onDeliveryReport: (event) => process.send({ report: event }) });
  // The service's report URL is known once it has started: the parent sends it then.
  const gatewayOptions = { outbox, credentials, reportCredentials, deliveryReportUrl: undefined };
  const link = await startLocalLinkGateway(gatewayOptions);
  let counted = 0;
  setInterval(() => {
    if (outbox.count() === counted) return;
    counted = outbox.count();
    process.send({ count: counted });
  }, 50);
  process.on("message", async (message) => {
    if (message.deliveryReportUrl) gatewayOptions.deliveryReportUrl = message.deliveryReportUrl;
    if (message !== "idle") return;
    await acs.idle();
    await link.idle();
    process.send({ idle: true, count: outbox.count() });
  });
  // A bench that dies (or is stopped) takes its providers with it.
  process.on("disconnect", () => process.exit());
  process.on("SIGTERM", () => process.exit());
  process.send({ ready: { acsEndpoint: acs.endpoint, acsAccessKey: acs.accessKey, linkUrl: link.url } });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
