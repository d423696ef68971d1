import { randomUUID } from "node:crypto";
import { PartitionKeyDefinitionVersion } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosClient, ensureDatabase } from "../../../shared/adapters/cosmos/client";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

let cosmos: TestCosmos;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});

afterAll(async () => {
  await cosmos.close();
});

describe("ensureDatabase", () => {
  it("creates every container partitioned as infra/app/cosmos.bicep declares it: its path, hash version 2", async () => {
    for (const definition of Object.values(containers)) {
      const { resource } = await cosmos.database.container(definition.name).read();
      expect(resource?.partitionKey, definition.name).toMatchObject({
        paths: [definition.partitionKeyPath],
        version: 2,
      });
    }
  });
});

describe("ensureDatabase on a database kept from an earlier version", () => {
  it("brings a container's indexing policy up to the code's, so a query on a newly indexed path runs", async () => {
    const client = createCosmosClient({
      endpoint: cosmos.server.endpoint,
      key: cosmos.server.key,
      database: "x",
    });
    const name = `kept-${randomUUID()}`;
    const { database } = await client.databases.createIfNotExists({ id: name });
    const orders = containers.orders;
    await database.containers.createIfNotExists({
      id: orders.name,
      partitionKey: { paths: [orders.partitionKeyPath], version: PartitionKeyDefinitionVersion.V2 },
      indexingPolicy: {
        includedPaths: orders.indexedPaths.filter((p) => p !== "/id/?").map((path) => ({ path })),
        excludedPaths: [{ path: "/*" }],
      },
    });
    const byId = { query: "SELECT * FROM c WHERE c.id > @id", parameters: [{ name: "@id", value: "" }] };
    await expect(database.container(orders.name).items.query(byId).fetchAll()).rejects.toThrow(
      /does not index/,
    );

    await ensureDatabase(client, name);

    const { resource } = await database.container(orders.name).read();
    expect(resource?.indexingPolicy?.includedPaths?.map((p) => p.path)).toContain("/id/?");
    expect(resource?.indexingPolicy?.compositeIndexes).toHaveLength(orders.compositeIndexes.length);
    await expect(database.container(orders.name).items.query(byId).fetchAll()).resolves.toBeDefined();
    client.dispose();
  });
});
