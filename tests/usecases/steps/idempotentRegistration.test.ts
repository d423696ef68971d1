import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosOrderStore } from "../../../shared/adapters/cosmos/cosmosOrderStore";
import { chainIds } from "../../../shared/domain/deterministicIds";
import type { NewOrder } from "../../../shared/domain/order";
import { AppError, isAppError } from "../../../shared/errors";
import { containers } from "../../../shared/platform/resources";
import {
  findRegistration,
  registerOrders,
  type IdempotencyKey,
  type RegistrationRequest,
} from "../../../shared/usecases/steps/idempotentRegistration";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";
import { sampleOrder } from "../../support/orders";

let cosmos: TestCosmos;
let orders: CosmosOrderStore;
const clock = { now: () => new Date("2026-11-23T10:00:00.000Z") };
const tenant = "991825827";

beforeAll(async () => {
  cosmos = await startTestCosmos();
  orders = new CosmosOrderStore(cosmos.database.container(containers.orders.name));
});
afterAll(() => cosmos.close());

function buildOrders(reminders: number): RegistrationRequest["buildOrders"] {
  return (ids, now): NewOrder[] => [
    sampleOrder({ id: ids.mainOrderId, chainId: ids.chainId, created: now.toISOString() }),
    ...Array.from({ length: reminders }, (_, i) =>
      sampleOrder({
        id: ids.reminderOrderId(i),
        chainId: ids.chainId,
        type: "Reminder",
        created: now.toISOString(),
      }),
    ),
  ];
}

function request(
  idempotencyId: string,
  body: unknown,
  reminders = 1,
  key: Partial<IdempotencyKey> = {},
): RegistrationRequest {
  return {
    tenant,
    key: { kind: "order", idempotencyId, body, ...key },
    buildOrders: buildOrders(reminders),
  };
}

describe("registerOrders", () => {
  it("stores the main order and each reminder and returns their shipment ids", async () => {
    const result = await registerOrders({ orders, clock }, request("first", { a: 1 }));
    expect(result.created).toBe(true);
    const ids = result.receipt.notification;
    expect(ids.reminders).toHaveLength(1);
    expect((await orders.getOrder(ids.shipmentId))?.type).toBe("Notification");
    expect((await orders.getOrder(ids.reminders![0]!.shipmentId))?.type).toBe("Reminder");
  });

  it("replays the original receipt for the same request, and for another body under the same idempotencyId (Altinn)", async () => {
    const first = await registerOrders({ orders, clock }, request("replay", { a: 1, b: [1, 2] }));
    const again = await registerOrders({ orders, clock }, request("replay", { b: [1, 2], a: 1 }));
    expect(again).toMatchObject({ created: false, payloadChanged: false, receipt: first.receipt });
    const reused = await registerOrders({ orders, clock }, request("replay", { a: 2 }, 0));
    expect(reused).toMatchObject({ created: false, payloadChanged: true, receipt: first.receipt });
    expect(reused.orders.map((o) => o.id)).toEqual(first.orders.map((o) => o.id));
  });

  it("refuses another body under the same idempotencyId when asked to be strict", async () => {
    await registerOrders({ orders, clock }, request("strict", { a: 1 }));
    const strict = request("strict", { a: 2 }, 1, { onChangedPayload: "conflict" });
    await expect(registerOrders({ orders, clock }, strict)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "conflict"),
    );
    const same = request("strict", { a: 1 }, 1, { onChangedPayload: "conflict" });
    expect((await registerOrders({ orders, clock }, same)).created).toBe(false);
  });

  it("lets two simultaneous identical requests create the orders once", async () => {
    const [one, other] = await Promise.all([
      registerOrders({ orders, clock }, request("simultaneous", { a: 1 })),
      registerOrders({ orders, clock }, request("simultaneous", { a: 1 })),
    ]);
    expect([one.created, other.created].sort()).toEqual([false, true]);
    expect(one.receipt).toEqual(other.receipt);
  });

  it("finds a chain registered under a kind that shares its idempotencyIds", async () => {
    const sms = await registerOrders(
      { orders, clock },
      request("shared", { sms: 1 }, 0, { kind: "instant-sms" }),
    );
    const email = await registerOrders(
      { orders, clock },
      request("shared", { email: 1 }, 0, { kind: "instant-email", sharesIdsWith: ["instant-sms"] }),
    );
    expect(email).toMatchObject({ created: false, payloadChanged: true, receipt: sms.receipt });
  });

  it("keeps one tenant's idempotencyId apart from another tenant's", async () => {
    const mine = await registerOrders({ orders, clock }, request("shared-id", { a: 1 }));
    const theirs = await registerOrders(
      { orders, clock },
      { ...request("shared-id", { a: 1 }), tenant: "987654325" },
    );
    expect(theirs.created).toBe(true);
    expect(theirs.receipt.notificationOrderId).not.toBe(mine.receipt.notificationOrderId);
  });

  it("stores nothing when the precheck refuses the request", async () => {
    const refused = {
      ...request("refused", { a: 1 }),
      precheck: async () => {
        throw new AppError("missing-contact", "missing");
      },
    };
    await expect(registerOrders({ orders, clock }, refused)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "missing-contact"),
    );
    expect(await orders.getOrder(chainIds(tenant, "order", "refused").mainOrderId)).toBeUndefined();
  });

  it("answers a retry with its receipt even when the precheck would refuse it now", async () => {
    const first = await registerOrders({ orders, clock }, request("registers-changed", { a: 1 }));
    const retry = {
      ...request("registers-changed", { a: 1 }),
      precheck: async () => {
        throw new AppError("missing-contact", "missing");
      },
    };
    expect(await registerOrders({ orders, clock }, retry)).toMatchObject({
      created: false,
      receipt: first.receipt,
    });
  });

  it("stops before the first write when the client went away", async () => {
    const client = new AbortController();
    client.abort();
    const gone = { ...request("gone", { a: 1 }), signal: client.signal };
    await expect(registerOrders({ orders, clock }, gone)).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "client-closed"),
    );
    expect(await orders.getOrder(chainIds(tenant, "order", "gone").mainOrderId)).toBeUndefined();
  });

  it("answers a key whose main order carries no record (an instant order of before 2026-12-04) as used", async () => {
    const ids = chainIds(tenant, "instant-sms", "old-instant");
    await orders.createOrder(sampleOrder({ id: ids.mainOrderId, chainId: ids.chainId, type: "Instant" }));
    const conflict = (e: unknown) => isAppError(e, "conflict");
    await expect(
      registerOrders({ orders, clock }, request("old-instant", { a: 1 }, 0, { kind: "instant-sms" })),
    ).rejects.toSatisfy(conflict);
    await expect(
      registerOrders(
        { orders, clock },
        request("old-instant", { a: 1 }, 0, { kind: "instant-email", sharesIdsWith: ["instant-sms"] }),
      ),
    ).rejects.toSatisfy(conflict);
    const key = { kind: "instant-sms", idempotencyId: "old-instant", body: { a: 1 } };
    expect(await findRegistration({ orders }, tenant, key)).toBeUndefined();
  });

  it("registers a request without a key (v1) as new every time, with no idempotency record", async () => {
    const v1 = { tenant, buildOrders: buildOrders(0) };
    const first = await registerOrders({ orders, clock }, v1);
    const second = await registerOrders({ orders, clock }, v1);
    expect([first.created, second.created]).toEqual([true, true]);
    expect(second.receipt.notification.shipmentId).not.toBe(first.receipt.notification.shipmentId);
    const stored = await orders.getOrder(first.receipt.notification.shipmentId);
    expect(stored).toBeDefined();
    expect(stored?.chain).toBeUndefined();
  });

  it("finishes a chain whose reminders were not written when the request is retried", async () => {
    const interrupted = request("interrupted", { a: 1 }, 2);
    const first = await registerOrders({ orders, clock }, interrupted);
    const ids = chainIds(tenant, "order", "interrupted");
    const lost = first.orders[2]!;
    await cosmos.database.container(containers.orders.name).item(lost.id, lost.id).delete();
    const key = { kind: "order", idempotencyId: "interrupted", body: { a: 1 } };
    expect(await findRegistration({ orders }, tenant, key)).toBeUndefined();

    const replayed = await registerOrders({ orders, clock }, interrupted);
    expect(replayed.created).toBe(false);
    expect(await orders.getOrder(ids.reminderOrderId(1))).toBeDefined();
    expect(await findRegistration({ orders }, tenant, key)).toEqual(first.receipt);
  });

  it("does not answer another body with the receipt of a chain it cannot finish", async () => {
    const first = await registerOrders({ orders, clock }, request("unfinished", { a: 1 }, 1));
    const lost = first.orders[1]!;
    await cosmos.database.container(containers.orders.name).item(lost.id, lost.id).delete();
    const other = registerOrders({ orders, clock }, request("unfinished", { a: 2 }, 1));
    await expect(other).rejects.toSatisfy((e: unknown) => isAppError(e, "conflict"));
    expect(await orders.getOrder(lost.id)).toBeUndefined();
  });
});

describe("findRegistration", () => {
  it("finds exactly the same request of the same tenant, and nothing else", async () => {
    const first = await registerOrders({ orders, clock }, request("found", { a: 1 }));
    const key = { kind: "order", idempotencyId: "found", body: { a: 1 } };
    expect(await findRegistration({ orders }, tenant, key)).toEqual(first.receipt);
    expect(await findRegistration({ orders }, tenant, { ...key, body: { a: 2 } })).toBeUndefined();
    expect(await findRegistration({ orders }, tenant, { ...key, kind: "composed" })).toBeUndefined();
    expect(await findRegistration({ orders }, "987654325", key)).toBeUndefined();
    expect(await findRegistration({ orders }, tenant, { ...key, idempotencyId: undefined })).toBeUndefined();
  });
});
