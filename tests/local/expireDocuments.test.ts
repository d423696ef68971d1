/**
 * Local mode's stand-in for Cosmos DB's TTL against the embedded server: what it deletes at a given time,
 * by a document's own `ttl`, its `retainUntil` and the container's default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireDocuments } from "../../shared/local/expireDocuments";
import { containers } from "../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";

const dayMs = 86_400_000;
let cosmos: TestCosmos;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(async () => cosmos?.close());

async function idsIn(database: TestCosmos["database"], name: string): Promise<string[]> {
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

  it("deletes more expired documents than one query page holds", async () => {
    const database = await cosmos.freshDatabase();
    const notifications = database.container(containers.notifications.name);
    const count = 2_500;
    for (let i = 0; i < count; i += 100)
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          notifications.items.create({ id: `n-${i + j}`, orderId: "o", ttl: 60 }),
        ),
      );

    expect(await expireDocuments(database, new Date(Date.now() + dayMs))).toEqual({ notifications: count });
    expect(await idsIn(database, containers.notifications.name)).toEqual([]);
  });
});
