import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewShipment } from "../../shared/usecases/viewShipment";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";
import { cosmosStores } from "../support/pipeline";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  stores = cosmosStores(cosmos.database);
});
afterAll(() => cosmos.close());

describe("viewShipment", () => {
  it("reads the caller's order with its notifications, and nothing of another organisation's", async () => {
    const order = sampleOrder();
    await stores.orders.createOrder(order);
    expect(await viewShipment(stores, order.creator, order.id)).toMatchObject({
      order: { id: order.id },
      notifications: [],
    });
    expect(await viewShipment(stores, "987654325", order.id)).toBeUndefined();
    expect(await viewShipment(stores, order.creator, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});
