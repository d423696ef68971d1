import createQuery from "@zeit/cosmosdb-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Container } from "@azure/cosmos";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";

let cosmos: TestCosmos;
let container: Container;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  container = await cosmos.freshContainer("families");
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

describe("the embedded store's ORDER BY, with each row's keys read once", () => {
  let ranked: Container;

  beforeAll(async () => {
    ranked = await cosmos.freshContainer("ranked");
    const ranks: unknown[] = [{ x: 1 }, "b", 10, [2], true, null, 9, "a", false];
    for (const [i, rank] of ranks.entries()) await ranked.items.create({ id: `r${i}`, pk: "p", rank });
    await ranked.items.create({ id: "unranked", pk: "p" });
    for (const id of ["tie-1", "tie-2", "tie-3"])
      await ranked.items.create({ id, pk: "p", rank: 50, tie: 1 });
  });

  const ids = async (text: string) => (await ranked.items.query<string>(text).fetchAll()).resources;

  it("orders values of every type as Cosmos DB does, leaving out documents without the key", async () => {
    expect(
      await ids(
        "SELECT VALUE c.id FROM c WHERE c.id != 'tie-1' AND c.id != 'tie-2' AND c.id != 'tie-3' ORDER BY c.rank",
      ),
    ).toEqual(["r5", "r8", "r4", "r6", "r2", "r7", "r1", "r3", "r0"]);
    expect(await ids("SELECT VALUE c.id FROM c WHERE IS_NUMBER(c.rank) ORDER BY c.rank DESC")).toEqual([
      "tie-1",
      "tie-2",
      "tie-3",
      "r2",
      "r6",
    ]);
  });

  it("keeps documents with equal keys in the order they were written", async () => {
    expect(await ids("SELECT VALUE c.id FROM c WHERE c.tie = 1 ORDER BY c.rank")).toEqual([
      "tie-1",
      "tie-2",
      "tie-3",
    ]);
  });

  it("still refuses an ORDER BY of two keys without a composite index", async () => {
    await expect(ids("SELECT VALUE c.id FROM c ORDER BY c.rank, c.id")).rejects.toMatchObject({ code: 400 });
  });
});

describe("the embedded store's TOP n … ORDER BY, keeping only the best n rows", () => {
  let ranked: Container;

  beforeAll(async () => {
    ranked = await cosmos.freshContainer("ranked");
    // Written out of rank order, with ties (kept in the order written) and a document without a rank.
    const ranks = [5, 3, 9, 3, 1, 7, 3, 8, 2, 6];
    for (const [i, rank] of ranks.entries())
      await ranked.items.create({ id: `r${i}`, pk: `p${i % 3}`, rank });
    await ranked.items.create({ id: "unranked", pk: "p0" });
  });

  const ids = async (text: string) => (await ranked.items.query<string>(text).fetchAll()).resources;

  it("gives the first n rows of the whole ORDER BY, ties in the order written", async () => {
    const all = await ids("SELECT VALUE c.id FROM c ORDER BY c.rank");
    expect(all).toEqual(["r4", "r8", "r1", "r3", "r6", "r0", "r9", "r5", "r7", "r2"]);
    for (const n of [0, 1, 3, 4, 10, 20]) {
      expect(await ids(`SELECT TOP ${n} VALUE c.id FROM c ORDER BY c.rank`)).toEqual(all.slice(0, n));
      expect(await ids(`SELECT TOP ${n} VALUE c.id FROM c ORDER BY c.rank DESC`)).toEqual(
        (await ids("SELECT VALUE c.id FROM c ORDER BY c.rank DESC")).slice(0, n),
      );
    }
  });

  it("takes the TOP of the matching rows, and of the written order when there is no ORDER BY", async () => {
    expect(await ids("SELECT TOP 2 VALUE c.id FROM c WHERE c.rank >= 5 ORDER BY c.rank")).toEqual([
      "r0",
      "r9",
    ]);
    expect(await ids("SELECT TOP 3 VALUE c.id FROM c")).toEqual(["r0", "r1", "r2"]);
  });
});
