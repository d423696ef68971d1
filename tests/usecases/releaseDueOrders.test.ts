import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { releaseDueOrders } from "../../shared/usecases/releaseDueOrders";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";
import { cosmosStores, ManualClock, RecordingPublisher } from "../support/pipeline";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
const clock = new ManualClock(new Date("2026-11-23T10:00:00.000Z"));
let publisher: RecordingPublisher;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());
beforeEach(async () => {
  stores = cosmosStores(await cosmos.freshDatabase());
  publisher = new RecordingPublisher();
  clock.set("2026-11-23T10:00:00.000Z");
});

const deps = () => ({ ...stores, publisher, clock });

describe("releaseDueOrders", () => {
  it("releases due orders once, leaves future ones, and publishes with a deterministic message id", async () => {
    const due = sampleOrder({ requestedSendTime: "2026-11-23T09:59:00.000Z" });
    const future = sampleOrder({ requestedSendTime: "2026-11-23T10:30:00.000Z" });
    await stores.orders.createOrder(due);
    await stores.orders.createOrder(future);

    expect(await releaseDueOrders(deps())).toEqual({ released: 1 });
    expect(publisher.on("processOrder").map((m) => [m.messageId, m.body])).toEqual([
      [`process:${due.id}:1`, { orderId: due.id }],
    ]);
    expect((await stores.orders.getOrder(due.id))?.status).toBe("Processing");
    expect((await stores.orders.getOrder(future.id))?.status).toBe("Registered");

    expect(await releaseDueOrders(deps())).toEqual({ released: 0 });
  });

  it("never releases the same order from two concurrent ticks", async () => {
    const orders = Array.from({ length: 12 }, () =>
      sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" }),
    );
    for (const o of orders) await stores.orders.createOrder(o);
    const [a, b] = await Promise.all([releaseDueOrders(deps()), releaseDueOrders(deps())]);
    expect(a.released + b.released).toBe(12);
    const ids = publisher.on("processOrder").map((m) => (m.body as { orderId: string }).orderId);
    expect(new Set(ids).size).toBe(12);
    expect(ids).toHaveLength(12);
  });

  it("releases an order again when its process message was lost and the lease ran out", async () => {
    const order = sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" });
    await stores.orders.createOrder(order);
    publisher.failNext = true;
    await expect(releaseDueOrders(deps())).rejects.toThrow();
    expect(publisher.on("processOrder")).toHaveLength(0);

    clock.advance(9 * 60_000);
    expect((await releaseDueOrders(deps())).released).toBe(0);
    clock.advance(2 * 60_000);
    expect((await releaseDueOrders(deps())).released).toBe(1);
    expect(publisher.on("processOrder").map((m) => m.messageId)).toEqual([`process:${order.id}:2`]);
  });

  it("records every claim in the tenant's status feed", async () => {
    const order = sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z", creator: "910000000" });
    await stores.orders.createOrder(order);
    await releaseDueOrders(deps());
    clock.advance(5_000);
    const feed = await stores.statusFeed.read({
      creator: "910000000",
      after: 0,
      pageSize: 10,
      order: "Asc",
      writtenBefore: clock.now(),
    });
    expect(feed.map((e) => [e.shipmentId, e.status])).toEqual([[order.id, "Order_Processing"]]);
  });
});
