/**
 * The embedded Cosmos server answers `ARRAY_CONTAINS(@values, c.field)` across partitions from the documents
 * holding those values, as Cosmos DB answers it from its index, with the same results as a scan: through
 * creates, replaces that set or change the value, deletes and batches.
 */
import { BulkOperationType, type Container } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";

let cosmos: TestCosmos;
let container: Container;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  container = await cosmos.freshContainer("messages", "/orderId");
});
afterAll(() => cosmos.close());

const byReference = async (references: string[], where = "") =>
  (
    await container.items
      .query<string>({
        query: `SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@references, c.reference)${where}`,
        parameters: [{ name: "@references", value: references }],
      })
      .fetchAll()
  ).resources.sort();

describe("a lookup by values across partitions", () => {
  it("finds the documents holding the values, however they came to hold them", async () => {
    await container.items.create({ id: "m1", orderId: "o1", channel: "sms", reference: "R1" });
    await container.items.create({ id: "m2", orderId: "o2", channel: "sms" });
    await container.items.create({ id: "m3", orderId: "o3", channel: "sms", reference: "R3" });
    expect(await byReference(["R1", "R2", "R3"])).toEqual(["m1", "m3"]);

    // After the first lookup: a value set by a replace, a value changed, a document deleted, a batch write.
    await container.item("m2", "o2").replace({ id: "m2", orderId: "o2", channel: "sms", reference: "R2" });
    await container.item("m1", "o1").replace({ id: "m1", orderId: "o1", channel: "sms", reference: "R9" });
    await container.item("m3", "o3").delete();
    await container.items.batch(
      [
        {
          operationType: BulkOperationType.Create,
          partitionKey: "o4",
          resourceBody: { id: "m4", orderId: "o4", channel: "email", reference: "R1" },
        },
      ],
      "o4",
    );

    expect(await byReference(["R1", "R2", "R3"])).toEqual(["m2", "m4"]);
    expect(await byReference(["R1", "R2"], " AND c.channel = 'sms'")).toEqual(["m2"]);
    expect(await byReference(["R9"])).toEqual(["m1"]);
    expect(await byReference([])).toEqual([]);
  });

  it("answers a lookup joined by OR over the whole container", async () => {
    await container.items.create({ id: "m5", orderId: "o5", channel: "sms", reference: "R5" });
    await container.items.create({ id: "m6", orderId: "o6", channel: "push" });

    expect(await byReference(["R5"], " OR c.channel = 'push'")).toEqual(["m5", "m6"]);
  });
});
