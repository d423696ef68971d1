import createQuery from "@zeit/cosmosdb-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Container } from "@azure/cosmos";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";

let cosmos: TestCosmos;
let container: Container;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  const database = await cosmos.freshDatabase();
  ({ container } = await database.containers.createIfNotExists({
    id: "families",
    partitionKey: { paths: ["/pk"] },
  }));
  for (const family of [
    { id: "a", pk: "p", rank: 2, children: [{ name: "Kari" }, { name: "Ola" }] },
    { id: "b", pk: "p", rank: 1, note: "no children" },
    { id: "c", pk: "q", rank: 3, children: [] },
  ])
    await container.items.create(family);
});
afterAll(() => cosmos.close());

const query = async (text: string) => (await container.items.query(text).fetchAll()).resources;

describe("the embedded store's query engine, made linear", () => {
  it("walks a container and builds results with one append per document, not a copy", () => {
    const code = createQuery("SELECT f.id, c.name FROM f JOIN c IN f.children WHERE f.rank > 0").code;
    expect(code).not.toContain("[...$");
    expect(code).toContain("$.push(");
  });

  it("answers filters, joins, projections, ordering, TOP and aggregates as before", async () => {
    expect((await query("SELECT * FROM c WHERE c.rank >= 2 ORDER BY c.rank")).map((f) => f.id)).toEqual([
      "a",
      "c",
    ]);
    expect(await query("SELECT f.id, c.name FROM f JOIN c IN f.children")).toEqual([
      { id: "a", name: "Kari" },
      { id: "a", name: "Ola" },
    ]);
    // A projected field a document lacks is left out of that result, as Cosmos DB does.
    expect(await query("SELECT c.id, c.note FROM c ORDER BY c.id")).toEqual([
      { id: "a" },
      { id: "b", note: "no children" },
      { id: "c" },
    ]);
    expect(await query("SELECT TOP 1 VALUE c.id FROM c ORDER BY c.rank DESC")).toEqual(["c"]);
    expect(await query("SELECT VALUE COUNT(1) FROM c")).toEqual([3]);
  });
});
