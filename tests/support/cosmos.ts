import { randomUUID } from "node:crypto";
import type { Container, Database } from "@azure/cosmos";
import { createCosmosClient, ensureDatabase } from "../../shared/adapters/cosmos/client";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../shared/local/embeddedCosmos";

export interface TestCosmos {
  server: EmbeddedCosmos;
  database: Database;
  /** Another empty database on the same server, for a test that needs a clean slate. */
  freshDatabase(): Promise<Database>;
  /** An empty container in another fresh database, partitioned on `partitionKeyPath` (`/pk` unless given). */
  freshContainer(id: string, partitionKeyPath?: string): Promise<Container>;
  close(): Promise<void>;
}

/** An embedded Cosmos server with a fresh database holding every container, driven by the real SDK. */
export async function startTestCosmos(): Promise<TestCosmos> {
  const server = await startEmbeddedCosmos();
  const client = createCosmosClient({ endpoint: server.endpoint, key: server.key, database: "test" });
  const freshDatabase = () => ensureDatabase(client, `test-${randomUUID()}`);
  const database = await freshDatabase();
  return {
    server,
    database,
    freshDatabase,
    freshContainer: async (id, partitionKeyPath = "/pk") => {
      const { container } = await (
        await freshDatabase()
      ).containers.createIfNotExists({
        id,
        partitionKey: { paths: [partitionKeyPath] },
      });
      return container;
    },
    close: async () => {
      client.dispose();
      await server.close();
    },
  };
}
