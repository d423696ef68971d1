import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "../../shared/errors";
import { cancelOrder } from "../../shared/usecases/cancelOrder";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";
import { cosmosStores } from "../support/pipeline";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
const now = new Date("2026-11-23T10:00:00.000Z");
const clock = { now: () => now };
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

beforeAll(async () => {
  cosmos = await startTestCosmos();
  stores = cosmosStores(cosmos.database);
});
afterAll(() => cosmos.close());

describe("cancelOrder", () => {
  it("cancels a registered order more than five minutes before its send time, and cancelling twice succeeds", async () => {
    const order = sampleOrder({ requestedSendTime: at(6) });
    await stores.orders.createOrder(order);
    const first = await cancelOrder({ ...stores, clock }, order.creator, order.id);
    expect(first).toMatchObject({ cancelled: true, order: { status: "Cancelled" } });
    const feed = await stores.statusFeed.read({
      creator: order.creator,
      after: 0,
      pageSize: 50,
      order: "Asc",
    });
    expect(feed.filter((e) => e.shipmentId === order.id).map((e) => e.status)).toEqual(["Order_Cancelled"]);
    const second = await cancelOrder({ ...stores, clock }, order.creator, order.id);
    expect(second).toMatchObject({ cancelled: false, order: { status: "Cancelled" } });
  });

  it.each<[string, { requestedSendTime: string; status?: "Processing" | "Completed" }]>([
    ["due in exactly five minutes", { requestedSendTime: at(5) }],
    ["already processing", { requestedSendTime: at(60), status: "Processing" as const }],
    ["completed", { requestedSendTime: at(60), status: "Completed" as const }],
  ])("refuses an order %s with a conflict", async (_label, overrides) => {
    const order = sampleOrder(overrides);
    await stores.orders.createOrder(order);
    await expect(cancelOrder({ ...stores, clock }, order.creator, order.id)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "conflict"),
    );
    expect((await stores.orders.getOrder(order.id))?.status).toBe(overrides.status ?? "Registered");
  });

  it("does not reveal another tenant's order", async () => {
    const order = sampleOrder({ requestedSendTime: at(60) });
    await stores.orders.createOrder(order);
    await expect(cancelOrder({ ...stores, clock }, "987654325", order.id)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "not-found"),
    );
  });
});
