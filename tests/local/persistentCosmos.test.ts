/**
 * The embedded Cosmos server with a data folder, driven by the real @azure/cosmos SDK: every acknowledged
 * write is there after a restart, with the same _etag, _ts and _rid, and a torn journal tail is tolerated.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BulkOperationType, type Container, type CosmosClient, type OperationInput } from "@azure/cosmos";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCosmosClient } from "../../shared/adapters/cosmos/client";
import {
  startEmbeddedCosmos,
  type EmbeddedCosmos,
  type EmbeddedCosmosOptions,
} from "../../shared/local/embeddedCosmos";
import { expireDocuments } from "../../shared/local/expireDocuments";

interface Doc {
  id: string;
  pk: string;
  value: number;
  email?: string;
  tags?: string[];
  _etag?: string;
  _ts?: number;
  _rid?: string;
}

let dataDir: string;
const running: Array<{ server: EmbeddedCosmos; client: CosmosClient }> = [];

/** Starts the server on `dataDir` and returns the container (created on first use). */
async function start(options: Omit<EmbeddedCosmosOptions, "dataDir"> = {}): Promise<Container> {
  const server = await startEmbeddedCosmos(0, { dataDir, ...options });
  const client = createCosmosClient({ endpoint: server.endpoint, key: server.key, database: "db" });
  running.push({ server, client });
  const { database } = await client.databases.createIfNotExists({ id: "db" });
  const { container } = await database.containers.createIfNotExists({
    id: "items",
    partitionKey: { paths: ["/pk"] },
  });
  return container;
}

/** Stops the newest server, as SIGINT would (a kill is covered by the child-process test). */
async function stop(): Promise<void> {
  const last = running.pop();
  last?.client.dispose();
  await last?.server.close();
}

async function read(container: Container, id: string, pk = "p1"): Promise<Doc | undefined> {
  return (await container.item(id, pk).read<Doc>()).resource;
}

function journalFiles(): string[] {
  return readdirSync(dataDir).filter((name) => name.startsWith("cosmos.journal."));
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "varsel-cosmos-"));
});
afterEach(async () => {
  while (running.length > 0) await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("embedded Cosmos with a data folder", () => {
  it("keeps created, replaced, patched, upserted and batched documents and forgets deleted ones", async () => {
    const items = await start();
    await items.items.create<Doc>({ id: "created", pk: "p1", value: 1 });
    const { resource: toReplace } = await items.items.create<Doc>({ id: "replaced", pk: "p1", value: 1 });
    await items
      .item("replaced", "p1")
      .replace<Doc>(
        { id: "replaced", pk: "p1", value: 2 },
        { accessCondition: { type: "IfMatch", condition: toReplace!._etag } },
      );
    await items.items.create<Doc>({ id: "patched", pk: "p1", value: 1, tags: ["a"] });
    await items.item("patched", "p1").patch([
      { op: "incr", path: "/value", value: 41 },
      { op: "add", path: "/tags/-", value: "b" },
    ]);
    await items.items.create<Doc>({ id: "deleted", pk: "p1", value: 1 });
    await items.item("deleted", "p1").delete();
    await items.items.create<Doc>({ id: "upserted", pk: "p2", value: 1 });
    await items.items.upsert<Doc>({ id: "upserted", pk: "p2", value: 3 });
    await items.items.upsert<Doc>({ id: "upserted-new", pk: "p2", value: 4 });
    const batch: OperationInput[] = [
      {
        operationType: BulkOperationType.Create,
        partitionKey: "p1",
        resourceBody: { id: "batched", pk: "p1", value: 5 },
      },
      { operationType: BulkOperationType.Delete, partitionKey: "p1", id: "created" },
    ];
    const batched = await items.items.batch(batch, "p1");
    expect(batched.result?.map((r) => r.statusCode)).toEqual([201, 204]);
    const before = (await items.items.readAll<Doc>().fetchAll()).resources;
    await stop();

    const again = await start();
    const after = (await again.items.readAll<Doc>().fetchAll()).resources;

    // The exact stored documents, system properties included, in the same order.
    expect(after).toEqual(before);
    expect(after.map((d) => d.id).sort()).toEqual([
      "batched",
      "patched",
      "replaced",
      "upserted",
      "upserted-new",
    ]);
    expect(await read(again, "patched")).toMatchObject({ value: 42, tags: ["a", "b"] });
    expect(await read(again, "replaced")).toMatchObject({ value: 2 });
    expect(await read(again, "upserted", "p2")).toMatchObject({ value: 3 });
    expect(await read(again, "deleted")).toBeUndefined();
    expect(await read(again, "created")).toBeUndefined();
    // A query scoped to a partition reads the restored documents of that partition.
    const p2 = await again.items.query<string>("SELECT VALUE c.id FROM c", { partitionKey: "p2" }).fetchAll();
    expect(p2.resources.sort()).toEqual(["upserted", "upserted-new"]);
  });

  it("an ETag read before the restart still matches after it, and new documents get fresh rids", async () => {
    const items = await start();
    const { resource: created } = await items.items.create<Doc>({ id: "doc", pk: "p1", value: 1 });
    await stop();

    const again = await start();
    const { statusCode } = await again
      .item("doc", "p1")
      .replace<Doc>(
        { id: "doc", pk: "p1", value: 2 },
        { accessCondition: { type: "IfMatch", condition: created!._etag } },
      );
    const { resource: fresh } = await again.items.create<Doc>({ id: "fresh", pk: "p1", value: 1 });

    expect(statusCode).toBe(200);
    expect(fresh!._rid).not.toBe(created!._rid);
    await expect(
      again
        .item("doc", "p1")
        .replace<Doc>(
          { id: "doc", pk: "p1", value: 3 },
          { accessCondition: { type: "IfMatch", condition: created!._etag } },
        ),
    ).rejects.toMatchObject({ code: 412 });
  });

  it("keeps a container's unique keys, and a deleted container stays deleted", async () => {
    const items = await start();
    const { container: people } = await items.database.containers.createIfNotExists({
      id: "people",
      partitionKey: { paths: ["/pk"] },
      uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/email"] }] },
    });
    await people.items.create<Doc>({ id: "kari", pk: "p1", value: 1, email: "kari@example.no" });
    await items.database.containers.createIfNotExists({ id: "dropped", partitionKey: { paths: ["/pk"] } });
    await items.database.container("dropped").delete();
    await stop();

    const again = await start();

    await expect(
      again.database
        .container("people")
        .items.create<Doc>({ id: "other", pk: "p1", value: 1, email: "kari@example.no" }),
    ).rejects.toMatchObject({ code: 409 });
    const { resources: containers } = await again.database.containers.readAll().fetchAll();
    expect(containers.map((c) => c.id).sort()).toEqual(["items", "people"]);
  });

  it("a document the local TTL run deleted stays deleted after a restart", async () => {
    const items = await start();
    const { container: expiring } = await items.database.containers.createIfNotExists({
      id: "expiring",
      partitionKey: { paths: ["/pk"] },
      defaultTtl: -1,
    });
    await expiring.items.create({ id: "short", pk: "p1", value: 1, ttl: 60 });
    await expiring.items.create<Doc>({ id: "kept", pk: "p1", value: 2 });
    const endpoint = running.at(-1)?.server.endpoint ?? "";
    expect(await expireDocuments(endpoint, "db", new Date(Date.now() + 3_600_000))).toEqual({ expiring: 1 });
    await stop();

    const again = await start();

    const { resources } = await again.database.container("expiring").items.readAll<Doc>().fetchAll();
    expect(resources.map((d) => d.id)).toEqual(["kept"]);
  });

  it("ignores a torn last journal line (killed mid-write) and keeps journaling after it", async () => {
    const items = await start();
    await items.items.create<Doc>({ id: "kept", pk: "p1", value: 1 });
    await stop();
    const [journal] = journalFiles();
    appendFileSync(join(dataDir, journal!), '{"in":["db","items"],"put":{"id":"torn","pk":"p1","val');

    const again = await start();
    expect(await read(again, "kept")).toMatchObject({ value: 1 });
    expect(await read(again, "torn")).toBeUndefined();
    await again.items.create<Doc>({ id: "after", pk: "p1", value: 2 });
    await stop();

    const third = await start();
    expect((await third.items.readAll<Doc>().fetchAll()).resources.map((d) => d.id)).toEqual([
      "kept",
      "after",
    ]);
  });

  it("compacts at start (one fresh journal) and while running past the size limit", async () => {
    const items = await start({ compactAtBytes: 2_000 });
    for (let i = 0; i < 20; i++) await items.items.upsert<Doc>({ id: `doc-${i % 5}`, pk: "p1", value: i });
    expect(journalFiles()).toHaveLength(1);
    expect(statSync(join(dataDir, journalFiles()[0]!)).size).toBeLessThan(2_000);
    await stop();

    const again = await start();
    expect(journalFiles()).toHaveLength(1);
    const values = (await again.items.readAll<Doc>().fetchAll()).resources.map((d) => d.value);
    expect(values).toEqual([15, 16, 17, 18, 19]);
  });

  it("refuses to start on a damaged snapshot, naming the file", async () => {
    writeFileSync(join(dataDir, "cosmos.snapshot.ndjson"), "not json\n");

    await expect(startEmbeddedCosmos(0, { dataDir })).rejects.toThrow(
      /cosmos\.snapshot\.ndjson:1 is not valid JSON/,
    );
  });

  it("without a data folder nothing is written", async () => {
    const server = await startEmbeddedCosmos(0);
    await server.close();

    expect(server.dataDir).toBeUndefined();
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
