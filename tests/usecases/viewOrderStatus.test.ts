import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "../../shared/errors";
import { viewOrderStatus } from "../../shared/usecases/viewOrderStatus";
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

describe("viewOrderStatus", () => {
  it("reads the caller's order with its notifications; another organisation's is not found", async () => {
    const order = sampleOrder();
    await stores.orders.createOrder(order);
    expect(await viewOrderStatus(stores, order.creator, order.id)).toMatchObject({
      order: { id: order.id },
      notifications: [],
    });
    await expect(viewOrderStatus(stores, "987654325", order.id)).rejects.toSatisfy(
      (e: unknown) => isAppError(e, "not-found") && e.message === "Order not found.",
    );
  });
});
