import { randomUUID } from "node:crypto";
import type { Database } from "@azure/cosmos";
import { createCosmosClient, ensureDatabase } from "../../shared/adapters/cosmos/client";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../shared/local/embeddedCosmos";

export interface TestCosmos {
  server: EmbeddedCosmos;
  database: Database;
  /** Another empty database on the same server, for a test that needs a clean slate. */
  freshDatabase(): Promise<Database>;
  close(): Promise<void>;
}

/** An embedded Cosmos server with a fresh database holding every container, driven by the real SDK. */
export async function startTestCosmos(): Promise<TestCosmos> {
  const server = await startEmbeddedCosmos();
  const client = createCosmosClient({ endpoint: server.endpoint, key: server.key, database: "test" });
  const database = await ensureDatabase(client, `test-${randomUUID()}`);
  return {
    server,
    database,
    freshDatabase: () => ensureDatabase(client, `test-${randomUUID()}`),
    close: async () => {
      client.dispose();
      await server.close();
    },
  };
}
