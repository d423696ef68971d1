import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosNotificationStore } from "../../../shared/adapters/cosmos/cosmosNotificationStore";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";
import { sampleEmail, sampleSms } from "../../support/notifications";

let cosmos: TestCosmos;
let store: CosmosNotificationStore;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  store = new CosmosNotificationStore(cosmos.database.container(containers.notifications.name));
});
afterAll(() => cosmos.close());

describe("CosmosNotificationStore against the embedded Cosmos server", () => {
  it("reads 250 notifications of an order at once, each with its ETag, and leaves out ids it does not hold", async () => {
    const orderId = randomUUID();
    const at = "2026-12-04T09:00:00.000Z";
    const stored = Array.from({ length: 250 }, (_, i) =>
      i % 2 === 0 ? sampleEmail(orderId, at) : sampleSms(orderId, at),
    );
    await store.createMany(stored);
    const unknown = randomUUID();
    const ids = [...stored.map((n) => n.id).slice(0, 120), unknown, ...stored.map((n) => n.id).slice(120)];

    const read = await store.getMany(orderId, ids);

    expect(read.map((n) => n.id)).toEqual(stored.map((n) => n.id));
    expect(read.every((n) => typeof n._etag === "string" && n._etag.length > 0)).toBe(true);
    expect(read.filter((n) => n.channel === "sms")).toHaveLength(125);
  });

  it("says which notifications it created, each with the ETag an update then needs, alone and in bulk", async () => {
    const orderId = randomUUID();
    const at = "2026-12-04T09:00:00.000Z";
    const [existing, ...fresh] = Array.from({ length: 3 }, () => sampleEmail(orderId, at));
    expect((await store.createMany([existing!])).map((n) => n.id)).toEqual([existing!.id]);

    const created = await store.createMany([existing!, ...fresh]);

    expect(created.map((n) => n.id)).toEqual(fresh.map((n) => n.id));
    for (const n of created) await store.update(n, { status: "Sending" });
    expect(
      (
        await store.getMany(
          orderId,
          fresh.map((n) => n.id),
        )
      ).map((n) => n.status),
    ).toEqual(["Sending", "Sending"]);
  });

  it("finds SMS of any order by the gateway reference their result recorded, and nothing else", async () => {
    const at = "2026-12-04T09:00:00.000Z";
    const [first, second, pending] = [randomUUID(), randomUUID(), randomUUID()].map((orderId) =>
      sampleSms(orderId, at),
    );
    const email = sampleEmail(randomUUID(), at);
    const created = await store.createMany([first!, second!, pending!, email]);
    const reference = (n: (typeof created)[number], ref: string) =>
      store.update(n, { status: n.channel === "sms" ? "Accepted" : "Succeeded", reference: ref });
    await reference(created[0]!, "REF-1");
    await reference(created[1]!, "REF-2");
    await reference(created[3]!, "REF-3");

    const found = await store.findSmsByReferences(["REF-1", "REF-2", "REF-3", "REF-unknown"]);

    expect(found.map((n) => [n.orderId, n.reference]).sort()).toEqual(
      [
        [first!.orderId, "REF-1"],
        [second!.orderId, "REF-2"],
      ].sort(),
    );
    expect(found.every((n) => n.status === "Accepted" && typeof n._etag === "string")).toBe(true);
    expect(await store.findSmsByReferences([])).toEqual([]);
  });

  it("reads nothing of another order's partition", async () => {
    const orderId = randomUUID();
    const notification = sampleEmail(orderId, "2026-12-04T09:00:00.000Z");
    await store.createMany([notification]);
    expect(await store.getMany(randomUUID(), [notification.id])).toEqual([]);
  });
});
