/**
 * Local mode's stand-in for Cosmos DB's TTL, run by the embedded server when the service asks: what it deletes
 * at a given time, by a document's own `ttl`, its `retainUntil` and the container's default, and that it lets
 * other requests through while it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@azure/cosmos";
import { expireDocuments as expireAt } from "../../shared/local/expireDocuments";
import { containers } from "../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";

const dayMs = 86_400_000;
let cosmos: TestCosmos;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(async () => cosmos?.close());

const expireDocuments = (database: Database, now: Date) => expireAt(cosmos.server.endpoint, database.id, now);

async function idsIn(database: Database, name: string): Promise<string[]> {
  const { resources } = await database
    .container(name)
    .items.query<{ id: string }>("SELECT c.id FROM c")
    .fetchAll();
  return resources.map((r) => r.id).sort();
}

describe("expiring documents as Cosmos DB's TTL would", () => {
  it("deletes by retainUntil, by the document's ttl and by the container's default, and keeps ttl -1", async () => {
    const database = await cosmos.freshDatabase();
    const feed = database.container(containers.statusFeed.name); // default TTL 90 days
    const notifications = database.container(containers.notifications.name); // default -1: per-item TTL only
    const now = Date.now();
    await feed.items.create({ id: "feed-default", creator: "t", sequenceNumber: 1 });
    await feed.items.create({ id: "feed-forever", creator: "t", sequenceNumber: 2, ttl: -1 });
    await feed.items.create({
      id: "feed-retained",
      creator: "t",
      sequenceNumber: 3,
      retainUntil: new Date(now + 200 * dayMs).toISOString(),
    });
    await notifications.items.create({ id: "n-ttl", orderId: "o", ttl: 10 * 86_400 });
    await notifications.items.create({
      id: "n-no-ttl",
      orderId: "o",
      retainUntil: new Date(now).toISOString(),
    });
    await notifications.items.create({
      id: "n-retained",
      orderId: "o",
      ttl: 1,
      retainUntil: new Date(now + 30 * dayMs).toISOString(),
    });

    expect(await expireDocuments(database, new Date(now + 5 * dayMs))).toEqual({});

    expect(await expireDocuments(database, new Date(now + 11 * dayMs))).toEqual({ notifications: 1 });
    expect(await idsIn(database, containers.notifications.name)).toEqual(["n-no-ttl", "n-retained"]);

    expect(await expireDocuments(database, new Date(now + 91 * dayMs))).toEqual({
      statusFeed: 1,
      notifications: 1,
    });
    expect(await idsIn(database, containers.statusFeed.name)).toEqual(["feed-forever", "feed-retained"]);
    expect(await idsIn(database, containers.notifications.name)).toEqual(["n-no-ttl"]);

    expect(await expireDocuments(database, new Date(now + 201 * dayMs))).toEqual({ statusFeed: 1 });
    expect(await idsIn(database, containers.statusFeed.name)).toEqual(["feed-forever"]);
  });

  it("answers other requests while it works through a large container, and deletes all that expired", async () => {
    const database = await cosmos.freshDatabase();
    const notifications = database.container(containers.notifications.name);
    const count = 20_000;
    for (let i = 0; i < count; i += 100)
      await notifications.items.bulk(
        Array.from({ length: 100 }, (_, j) => ({
          operationType: "Create" as const,
          resourceBody: { id: `n-${i + j}`, orderId: `o-${(i + j) % 50}`, ttl: 60 },
        })),
      );
    await notifications.items.create({ id: "kept", orderId: "o-kept" });

    let ended = false;
    const run = expireDocuments(database, new Date(Date.now() + dayMs)).finally(() => (ended = true));
    // One read at a time while the run lasts: a store that ran it in one go would answer one read at most
    // before it ended (the one already on its way when the run began).
    let answeredDuringRun = 0;
    while (!ended) {
      const { resource } = await notifications.item("kept", "o-kept").read();
      expect(resource?.id).toBe("kept");
      if (!ended) answeredDuringRun += 1;
    }
    expect(answeredDuringRun).toBeGreaterThanOrEqual(3);
    expect(await run).toEqual({ notifications: count });
    expect(await idsIn(database, containers.notifications.name)).toEqual(["kept"]);
  });

  it("refuses a request without a database and a time", async () => {
    const response = await fetch(`${cosmos.server.endpoint}/_local/expire`, { method: "POST", body: "{}" });
    expect(response.status).toBe(400);
  });
});
