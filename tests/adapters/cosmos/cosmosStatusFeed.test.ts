import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosStatusFeed } from "../../../shared/adapters/cosmos/cosmosStatusFeed";
import { containers } from "../../../shared/platform/resources";
import type { NewStatusFeedEntry } from "../../../shared/ports/statusFeed";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

let cosmos: TestCosmos;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

function entry(creator: string, shipmentId: string, status: string): NewStatusFeedEntry {
  const at = "2026-11-23T10:00:00.000Z";
  return {
    creator,
    shipmentId,
    shipmentType: "Notification",
    status,
    lastUpdate: at,
    recipients: [],
    created: at,
  };
}

describe("CosmosStatusFeed against the embedded Cosmos server", () => {
  it("numbers the appends of two processes 1..n without a gap or a repeat, and adds nothing for a repeated change", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.statusFeed.name);
    const [a, b] = [new CosmosStatusFeed(container), new CosmosStatusFeed(container)];
    const tenant = "991825827";
    const changes = Array.from({ length: 30 }, () => randomUUID()).flatMap((id) => [
      entry(tenant, id, "Order_Processing"),
      entry(tenant, id, "Order_Completed"),
    ]);
    await Promise.all(changes.map((change, i) => (i % 2 === 0 ? a : b).append(change)));
    await Promise.all(changes.slice(0, 10).map((change) => b.append(change)));

    const feed = await a.read({ creator: tenant, after: 0, pageSize: 500, order: "Asc" });
    expect(feed.map((e) => e.sequenceNumber)).toEqual(changes.map((_, i) => i + 1));
    expect(new Set(feed.map((e) => `${e.shipmentId}:${e.status}`)).size).toBe(changes.length);
    expect(await a.has(tenant, changes[0]!.shipmentId, "Order_Processing")).toBe(true);
    expect(await a.has(tenant, changes[0]!.shipmentId, "Order_Cancelled")).toBe(false);
  });

  it("never lets a reader paging with its cursor pass an entry still being written", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.statusFeed.name);
    const writers = [new CosmosStatusFeed(container), new CosmosStatusFeed(container)];
    const reader = new CosmosStatusFeed(container);
    const tenant = "910000000";
    const total = 80;
    const writing = Promise.all(
      Array.from({ length: total }, (_, i) =>
        writers[i % 2]!.append(entry(tenant, randomUUID(), "Order_Processed")),
      ),
    );
    const seen: number[] = [];
    let cursor = 0;
    let done = false;
    void writing.then(() => (done = true));
    while (!done || seen.length < total) {
      const page = await reader.read({ creator: tenant, after: cursor, pageSize: 7, order: "Asc" });
      for (const e of page) seen.push(e.sequenceNumber);
      cursor = page.at(-1)?.sequenceNumber ?? cursor;
    }
    await writing;
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it("keeps tenants apart: each has its own sequence", async () => {
    const feed = new CosmosStatusFeed((await cosmos.freshDatabase()).container(containers.statusFeed.name));
    await feed.append(entry("111111111", randomUUID(), "Order_Processing"));
    await feed.append(entry("222222222", randomUUID(), "Order_Processing"));
    await feed.append(entry("111111111", randomUUID(), "Order_Processing"));
    const first = await feed.read({ creator: "111111111", after: 0, pageSize: 10, order: "Asc" });
    const second = await feed.read({ creator: "222222222", after: 0, pageSize: 10, order: "Asc" });
    expect(first.map((e) => e.sequenceNumber)).toEqual([1, 2]);
    expect(second.map((e) => e.sequenceNumber)).toEqual([1]);
  });

  it("writes the tenant's sequence marker once per thousand numbers, not beside every entry", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.statusFeed.name);
    const feed = new CosmosStatusFeed(container);
    const tenant = "310000001";
    for (let i = 0; i < 20; i += 1) await feed.append(entry(tenant, randomUUID(), "Order_Completed"));

    const { resource: marker } = await container.item("sequence", tenant).read<{ highest: number }>();
    // Written once, by the first append, a thousand numbers ahead of it.
    expect(marker?.highest).toBe(1001);
    const numbers = await feed.read({ creator: tenant, after: 0, pageSize: 50, order: "Asc" });
    expect(numbers.map((e) => e.sequenceNumber)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("numbers a tenant whose entries all expired above every number it used, so readers' cursors pass none", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.statusFeed.name);
    const tenant = "310000002";
    const before = new CosmosStatusFeed(container);
    for (let i = 0; i < 3; i += 1) await before.append(entry(tenant, randomUUID(), "Order_Completed"));
    const expired = await before.read({ creator: tenant, after: 0, pageSize: 10, order: "Asc" });
    // As Cosmos DB's TTL deletes them after the retention.
    for (const e of expired) await container.item(`${e.shipmentId}:${e.status}`, tenant).delete();

    const after = new CosmosStatusFeed(container);
    await after.append(entry(tenant, randomUUID(), "Order_Completed"));
    const page = await after.read({ creator: tenant, after: 3, pageSize: 10, order: "Asc" });
    expect(page).toHaveLength(1);
    expect(page[0]!.sequenceNumber).toBeGreaterThan(3);
  });
});
