import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewOrder } from "../../shared/domain/order";
import { AppError, isAppError } from "../../shared/errors";
import { registerOrders } from "../../shared/usecases/steps/idempotentRegistration";
import { viewOrderChain } from "../../shared/usecases/viewOrderChain";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";
import { cosmosStores } from "../support/pipeline";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
const tenant = "991825827";
const clock = { now: () => new Date("2026-11-23T10:00:00.000Z") };

beforeAll(async () => {
  cosmos = await startTestCosmos();
  stores = cosmosStores(cosmos.database);
});
afterAll(() => cosmos.close());

describe("viewOrderChain", () => {
  it("reads the main order with its idempotency record and its reminders, for its own organisation only", async () => {
    const { receipt } = await registerOrders(
      { ...stores, clock },
      {
        tenant,
        key: { kind: "order", idempotencyId: "view", body: {} },
        buildOrders: (ids): NewOrder[] => [
          sampleOrder({ id: ids.mainOrderId, chainId: ids.chainId }),
          sampleOrder({ id: ids.reminderOrderId(0), chainId: ids.chainId, type: "Reminder" }),
        ],
      },
    );
    const view = await viewOrderChain({ ...stores, clock }, tenant, receipt.notificationOrderId);
    expect(view.main).toMatchObject({
      id: receipt.notification.shipmentId,
      chain: { idempotencyId: "view" },
    });
    expect(view.reminders.map((r) => r.id)).toEqual([receipt.notification.reminders![0]!.shipmentId]);

    const notFound = (e: unknown) => isAppError(e, "not-found") && e.message === "Order chain not found.";
    await expect(
      viewOrderChain({ ...stores, clock }, "987654325", receipt.notificationOrderId),
    ).rejects.toSatisfy(notFound);
    // A shipment id is no chain id.
    await expect(
      viewOrderChain({ ...stores, clock }, tenant, receipt.notification.shipmentId),
    ).rejects.toSatisfy(notFound);
  });

  it("does not count a plain order as a chain", async () => {
    const plain = await registerOrders({ ...stores, clock }, { tenant, buildOrders: () => [sampleOrder()] });
    await expect(
      viewOrderChain({ ...stores, clock }, tenant, plain.receipt.notificationOrderId),
    ).rejects.toBeInstanceOf(AppError);
  });
});
