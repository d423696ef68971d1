"use strict";
// Starts bench/floor (one HTTP function) on the local Functions host with the embedded Cosmos DB server,
// in one process as `npm start` runs varsel, and prints the same ready lines.
const { join } = require("node:path");
const { requireCompiled } = require("./support");

async function main() {
  const { startEmbeddedCosmos } = requireCompiled("shared", "local", "embeddedCosmos.js");
  const { createCosmosClient, ensureDatabase } = requireCompiled("shared", "adapters", "cosmos", "client.js");
  const { startFunctionsHost } = requireCompiled("shared", "local", "host", "functionsHost.js");
  const cosmos = await startEmbeddedCosmos(0);
  process.env.COSMOS_ENDPOINT = cosmos.endpoint;
  process.env.COSMOS_KEY = cosmos.key;
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, database: "varsel" });
  await ensureDatabase(client, "varsel");
  client.dispose();
  const host = await startFunctionsHost({
    projectRoot: join(__dirname, "floor"),
    port: Number(process.env.PORT || 0),
    startTimers: false,
  });
  process.stdout.write(
    `embedded Cosmos DB server on ${cosmos.endpoint}\nvarsel is ready on ${host.apiUrl}\n`,
  );
  process.on("SIGTERM", () => process.exit(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
