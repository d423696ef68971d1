import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosOrderStore } from "../../shared/adapters/cosmos/cosmosOrderStore";
import type { NewOrder } from "../../shared/domain/order";
import { AppError, isAppError } from "../../shared/errors";
import { containers } from "../../shared/platform/resources";
import {
  chainIds,
  findReplay,
  registerOrderChain,
  type ChainRequest,
} from "../../shared/usecases/registerOrderChain";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";

let cosmos: TestCosmos;
let orders: CosmosOrderStore;
const clock = { now: () => new Date("2026-11-23T10:00:00.000Z") };
const tenant = "991825827";

beforeAll(async () => {
  cosmos = await startTestCosmos();
  orders = new CosmosOrderStore(cosmos.database.container(containers.orders.name));
});
afterAll(() => cosmos.close());

function chainRequest(idempotencyId: string, body: unknown, reminders = 1): ChainRequest {
  return {
    tenant,
    idempotencyId,
    body,
    buildOrders: (ids, now): NewOrder[] => [
      sampleOrder({ id: ids.mainOrderId, chainId: ids.chainId, created: now.toISOString() }),
      ...Array.from({ length: reminders }, (_, i) =>
        sampleOrder({
          id: ids.reminderOrderId(i),
          chainId: ids.chainId,
          type: "Reminder",
          created: now.toISOString(),
        }),
      ),
    ],
  };
}

describe("registerOrderChain", () => {
  it("stores the main order and each reminder and returns their shipment ids", async () => {
    const result = await registerOrderChain({ orders, clock }, chainRequest("first", { a: 1 }));
    expect(result.created).toBe(true);
    const ids = result.receipt.notification;
    expect(ids.reminders).toHaveLength(1);
    expect((await orders.getOrder(ids.shipmentId))?.type).toBe("Notification");
    expect((await orders.getOrder(ids.reminders![0]!.shipmentId))?.type).toBe("Reminder");
  });

  it("replays the original receipt for the same request, and for another body under the same idempotencyId (Altinn)", async () => {
    const first = await registerOrderChain({ orders, clock }, chainRequest("replay", { a: 1, b: [1, 2] }));
    const again = await registerOrderChain({ orders, clock }, chainRequest("replay", { b: [1, 2], a: 1 }));
    expect(again).toMatchObject({ created: false, payloadChanged: false, receipt: first.receipt });
    const reused = await registerOrderChain({ orders, clock }, chainRequest("replay", { a: 2 }, 0));
    expect(reused).toMatchObject({ created: false, payloadChanged: true, receipt: first.receipt });
    expect(reused.orders.map((o) => o.id)).toEqual(first.orders.map((o) => o.id));
  });

  it("refuses another body under the same idempotencyId when asked to be strict", async () => {
    await registerOrderChain({ orders, clock }, chainRequest("strict", { a: 1 }));
    const strict = { ...chainRequest("strict", { a: 2 }), onChangedPayload: "conflict" as const };
    await expect(registerOrderChain({ orders, clock }, strict)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "conflict"),
    );
    const same = { ...chainRequest("strict", { a: 1 }), onChangedPayload: "conflict" as const };
    expect((await registerOrderChain({ orders, clock }, same)).created).toBe(false);
  });

  it("finds a chain registered under a kind that shares its idempotencyIds", async () => {
    const sms = await registerOrderChain(
      { orders, clock },
      { ...chainRequest("shared", { sms: 1 }, 0), kind: "instant-sms" },
    );
    const email = await registerOrderChain(
      { orders, clock },
      { ...chainRequest("shared", { email: 1 }, 0), kind: "instant-email", sharesIdsWith: ["instant-sms"] },
    );
    expect(email).toMatchObject({ created: false, payloadChanged: true, receipt: sms.receipt });
  });

  it("keeps one tenant's idempotencyId apart from another tenant's", async () => {
    const mine = await registerOrderChain({ orders, clock }, chainRequest("shared-id", { a: 1 }));
    const theirs = await registerOrderChain(
      { orders, clock },
      { ...chainRequest("shared-id", { a: 1 }), tenant: "987654325" },
    );
    expect(theirs.created).toBe(true);
    expect(theirs.receipt.notificationOrderId).not.toBe(mine.receipt.notificationOrderId);
  });

  it("stores nothing when the precheck refuses the request", async () => {
    const request = {
      ...chainRequest("refused", { a: 1 }),
      precheck: async () => {
        throw new AppError("missing-contact", "missing");
      },
    };
    await expect(registerOrderChain({ orders, clock }, request)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "missing-contact"),
    );
    expect(await orders.getOrder(chainIds(tenant, "order", "refused").mainOrderId)).toBeUndefined();
  });

  it("finishes a chain whose reminders were not written when the request is retried", async () => {
    const request = chainRequest("interrupted", { a: 1 }, 2);
    const first = await registerOrderChain({ orders, clock }, request);
    const ids = chainIds(tenant, "order", "interrupted");
    const lost = first.orders[2]!;
    await cosmos.database.container(containers.orders.name).item(lost.id, lost.id).delete();
    expect(await findReplay({ orders }, tenant, "interrupted", { a: 1 })).toBeUndefined();

    const replayed = await registerOrderChain({ orders, clock }, request);
    expect(replayed.created).toBe(false);
    expect(await orders.getOrder(ids.reminderOrderId(1))).toBeDefined();
    expect(await findReplay({ orders }, tenant, "interrupted", { a: 1 })).toEqual(first.receipt);
  });

  it("does not answer another body with the receipt of a chain it cannot finish", async () => {
    const first = await registerOrderChain({ orders, clock }, chainRequest("unfinished", { a: 1 }, 1));
    const lost = first.orders[1]!;
    await cosmos.database.container(containers.orders.name).item(lost.id, lost.id).delete();
    const other = registerOrderChain({ orders, clock }, chainRequest("unfinished", { a: 2 }, 1));
    await expect(other).rejects.toSatisfy((e: unknown) => isAppError(e, "conflict"));
    expect(await orders.getOrder(lost.id)).toBeUndefined();
  });
});
