/**
 * The embedded Cosmos server answers a query sent with a partition key from that partition alone, as Cosmos
 * DB does, through writes, replaces, deletes and batches.
 */
import { BulkOperationType, type Container } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";

let cosmos: TestCosmos;
let container: Container;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  container = await cosmos.freshContainer("letters", "/tenant");
});
afterAll(() => cosmos.close());

const inPartition = async (tenant: string, query = "SELECT * FROM c") =>
  (await container.items.query<{ id: string; n: number }>(query, { partitionKey: tenant }).fetchAll())
    .resources;

describe("a query sent with a partition key", () => {
  it("reads that partition only, also when its WHERE clause names none", async () => {
    for (const [id, tenant] of [
      ["a1", "a"],
      ["b1", "b"],
      ["a2", "a"],
    ])
      await container.items.create({ id, tenant, n: 1 });

    expect((await inPartition("a")).map((d) => d.id)).toEqual(["a1", "a2"]);
    expect((await inPartition("b", "SELECT VALUE COUNT(1) FROM c")).at(0)).toBe(1);
    expect(await inPartition("nobody")).toEqual([]);
    // Without a partition key the query still spans the container.
    const everyone = await container.items.query<string>("SELECT VALUE c.id FROM c").fetchAll();
    expect(everyone.resources).toEqual(["a1", "b1", "a2"]);
  });

  it("sees replaces, deletes and batch writes as the container does", async () => {
    await container.items.create({ id: "c1", tenant: "c", n: 1 });
    await container.items.create({ id: "c2", tenant: "c", n: 1 });
    await container.item("c1", "c").replace({ id: "c1", tenant: "c", n: 2 });
    await container.item("c2", "c").delete();
    await container.items.batch(
      [
        {
          operationType: BulkOperationType.Create,
          partitionKey: "c",
          resourceBody: { id: "c3", tenant: "c", n: 3 },
        },
        {
          operationType: BulkOperationType.Upsert,
          partitionKey: "c",
          resourceBody: { id: "c1", tenant: "c", n: 4 },
        },
      ],
      "c",
    );

    expect((await inPartition("c")).map(({ id, n }) => ({ id, n }))).toEqual([
      { id: "c1", n: 4 },
      { id: "c3", n: 3 },
    ]);
    expect(await inPartition("c", "SELECT * FROM c WHERE c.n = 2")).toEqual([]);
  });
});
