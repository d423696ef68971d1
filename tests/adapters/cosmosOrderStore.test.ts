import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosOrderStore } from "../../shared/adapters/cosmos/cosmosOrderStore";
import { isAppError } from "../../shared/errors";
import { containers } from "../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";

let cosmos: TestCosmos;
let store: CosmosOrderStore;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  store = new CosmosOrderStore(cosmos.database.container(containers.orders.name));
});
afterAll(() => cosmos.close());

describe("CosmosOrderStore against the embedded Cosmos server", () => {
  it("creates an order once and reports a second create of the same id as existing", async () => {
    const order = sampleOrder();
    expect(await store.createOrder(order)).toBe("created");
    expect(await store.createOrder(order)).toBe("exists");
    const read = await store.getOrder(order.id);
    expect(read).toMatchObject({ id: order.id, creator: order.creator, status: "Registered" });
    expect(read?._etag).toBeTruthy();
  });

  it("returns undefined for an unknown order", async () => {
    expect(await store.getOrder("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("applies a transition only with the ETag it was read with", async () => {
    const order = sampleOrder();
    await store.createOrder(order);
    const read = (await store.getOrder(order.id))!;
    const cancelled = await store.updateOrder(read, { status: "Cancelled" });
    expect(cancelled.status).toBe("Cancelled");
    const stale = store.updateOrder(read, { status: "Processing" });
    await expect(stale).rejects.toSatisfy((e: unknown) => isAppError(e, "conflict"));
    expect((await store.getOrder(order.id))?.status).toBe("Cancelled");
  });

  it("finds a tenant's orders by sendersReference and no other tenant's", async () => {
    const mine = sampleOrder({ sendersReference: "case-42" });
    const other = sampleOrder({ sendersReference: "case-42", creator: "987654325" });
    await store.createOrder(mine);
    await store.createOrder(other);
    const found = await store.findOrdersBySendersReference(mine.creator, "case-42");
    expect(found.map((o) => o.id)).toEqual([mine.id]);
  });

  it("stores a chain once and tells it apart from an order", async () => {
    const order = sampleOrder();
    const chain = {
      id: "11111111-1111-4111-8111-111111111111",
      creator: order.creator,
      kind: "instant-sms" as const,
      idempotencyId: "abc",
      requestHash: "h",
      created: order.created,
      receipt: {
        notificationOrderId: "11111111-1111-4111-8111-111111111111",
        notification: { shipmentId: order.id },
      },
      orderIds: [order.id],
    };
    expect(await store.createChain(chain)).toBe("created");
    expect(await store.createChain(chain)).toBe("exists");
    expect(await store.getChain(chain.id)).toMatchObject({ idempotencyId: "abc", orderIds: [order.id] });
    expect(await store.getOrder(chain.id)).toBeUndefined();
  });
});
