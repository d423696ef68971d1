import type { Container } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readMany, runBulk } from "../../../shared/adapters/cosmos/bulk";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

let cosmos: TestCosmos;
let container: Container;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  container = await cosmos.freshContainer("bulk");
  await container.items.create({ id: "kept", pk: "kept", n: 1 });
});

afterAll(async () => {
  await cosmos.close();
});

async function etagOf(id: string): Promise<string> {
  const { resource } = await container.item(id, id).read<{ _etag: string }>();
  if (!resource) throw new Error(`${id} is missing`);
  return resource._etag;
}

describe("runBulk and readMany with one operation", () => {
  it("answers each outcome as a bulk request does, in a single request", async () => {
    const bulk = vi.spyOn(container.items, "bulk");
    const stale = await etagOf("kept");
    await container.item("kept", "kept").replace({ id: "kept", pk: "kept", n: 2 });

    expect(await runBulk(container, [{ kind: "create", body: { id: "new", pk: "new" } }], "t")).toEqual([
      "done",
    ]);
    expect(await runBulk(container, [{ kind: "create", body: { id: "kept", pk: "kept" } }], "t")).toEqual([
      "exists",
    ]);
    const replace = (id: string, ifMatch: string) =>
      runBulk(
        container,
        [{ kind: "replace", id, partitionKey: id, ifMatch, body: { id, pk: id, n: 3 } }],
        "t",
      );
    expect(await replace("kept", stale)).toEqual(["changed"]);
    expect(await replace("gone", stale)).toEqual(["missing"]);
    expect(await replace("kept", await etagOf("kept"))).toEqual(["done"]);
    expect(await readMany(container, [{ id: "kept", partitionKey: "kept" }], "t")).toEqual([
      expect.objectContaining({ id: "kept", n: 3 }),
    ]);
    expect(await readMany(container, [{ id: "gone", partitionKey: "gone" }], "t")).toEqual([]);
    expect(bulk).not.toHaveBeenCalled();

    // Two operations go as one bulk request, with the same answers.
    expect(
      await readMany(
        container,
        [
          { id: "kept", partitionKey: "kept" },
          { id: "gone", partitionKey: "gone" },
        ],
        "t",
      ),
    ).toEqual([expect.objectContaining({ id: "kept", n: 3 })]);
    expect(bulk).toHaveBeenCalledTimes(1);
    bulk.mockRestore();
  });
});
