import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosOrderStore } from "../../shared/adapters/cosmos/cosmosOrderStore";
import { isAppError } from "../../shared/errors";
import { containers } from "../../shared/platform/resources";
import { cancelOrder } from "../../shared/usecases/cancelOrder";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";

let cosmos: TestCosmos;
let orders: CosmosOrderStore;
const now = new Date("2026-11-23T10:00:00.000Z");
const clock = { now: () => now };
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

beforeAll(async () => {
  cosmos = await startTestCosmos();
  orders = new CosmosOrderStore(cosmos.database.container(containers.orders.name));
});
afterAll(() => cosmos.close());

describe("cancelOrder", () => {
  it("cancels a registered order more than five minutes before its send time, and cancelling twice succeeds", async () => {
    const order = sampleOrder({ requestedSendTime: at(6) });
    await orders.createOrder(order);
    const first = await cancelOrder({ orders, clock }, order.creator, order.id);
    expect(first).toMatchObject({ cancelled: true, order: { status: "Cancelled" } });
    const second = await cancelOrder({ orders, clock }, order.creator, order.id);
    expect(second).toMatchObject({ cancelled: false, order: { status: "Cancelled" } });
  });

  it.each([
    ["due in exactly five minutes", { requestedSendTime: at(5) }],
    ["already processing", { requestedSendTime: at(60), status: "Processing" as const }],
    ["completed", { requestedSendTime: at(60), status: "Completed" as const }],
  ])("refuses an order %s with a conflict", async (_label, overrides) => {
    const order = sampleOrder(overrides);
    await orders.createOrder(order);
    await expect(cancelOrder({ orders, clock }, order.creator, order.id)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "conflict"),
    );
    expect((await orders.getOrder(order.id))?.status).toBe(overrides.status ?? "Registered");
  });

  it("does not reveal another tenant's order", async () => {
    const order = sampleOrder({ requestedSendTime: at(60) });
    await orders.createOrder(order);
    await expect(cancelOrder({ orders, clock }, "987654325", order.id)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "not-found"),
    );
  });
});
