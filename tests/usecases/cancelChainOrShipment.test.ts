import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewOrder } from "../../shared/domain/order";
import { isAppError } from "../../shared/errors";
import { cancelChainOrShipment } from "../../shared/usecases/cancelChainOrShipment";
import { registerOrders } from "../../shared/usecases/steps/idempotentRegistration";
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

/** A chain of a main order (due in an hour) and one reminder (due in `reminderMinutes`). */
async function chain(idempotencyId: string, reminderMinutes = 120) {
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
  const registration = await registerOrders(
    { ...stores, clock },
    {
      tenant,
      key: { kind: "order", idempotencyId, body: { idempotencyId } },
      buildOrders: (ids): NewOrder[] => [
        sampleOrder({ id: ids.mainOrderId, chainId: ids.chainId, requestedSendTime: at(60) }),
        sampleOrder({
          id: ids.reminderOrderId(0),
          chainId: ids.chainId,
          type: "Reminder",
          requestedSendTime: at(reminderMinutes),
        }),
      ],
    },
  );
  return registration.receipt;
}

const cancel = (id: string, as = tenant) => cancelChainOrShipment({ ...stores, clock }, as, id);

describe("cancelChainOrShipment", () => {
  it("cancels every shipment of a chain named by its notificationOrderId", async () => {
    const receipt = await chain("whole");
    const result = await cancel(receipt.notificationOrderId);
    expect(result.notificationOrderId).toBe(receipt.notificationOrderId);
    expect(result.shipments.map((s) => [s.shipment.status, s.cancelled])).toEqual([
      ["Cancelled", true],
      ["Cancelled", true],
    ]);
  });

  it("cancels just the shipment named by its shipmentId", async () => {
    const receipt = await chain("one");
    const reminderId = receipt.notification.reminders![0]!.shipmentId;
    const result = await cancel(reminderId);
    expect(result.notificationOrderId).toBeUndefined();
    expect(result.shipments).toMatchObject([
      { shipment: { id: reminderId, status: "Cancelled" }, cancelled: true },
    ]);
    expect((await stores.orders.getOrder(receipt.notification.shipmentId))?.status).toBe("Registered");
  });

  it("reports shipments already under way and cancels the rest; nothing cancellable is a conflict", async () => {
    const receipt = await chain("partly", 3);
    const result = await cancel(receipt.notificationOrderId);
    expect(result.shipments.map((s) => s.cancelled)).toEqual([true, false]);
    await expect(cancel(receipt.notification.reminders![0]!.shipmentId)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "conflict"),
    );
  });

  it("finds neither another organisation's chain nor its shipment", async () => {
    const receipt = await chain("theirs");
    for (const id of [receipt.notificationOrderId, receipt.notification.shipmentId]) {
      await expect(cancel(id, "987654325")).rejects.toSatisfy((e: unknown) => isAppError(e, "not-found"));
    }
    expect((await stores.orders.getOrder(receipt.notification.shipmentId))?.status).toBe("Registered");
  });
});
