import { beforeEach, describe, expect, it } from "vitest";
import { expiryGraceSeconds } from "../../shared/domain/expiry";
import { releaseLeaseMs, releaseSettleMs } from "../../shared/domain/recoveryTimes";
import type { DeliveryReportParser } from "../../shared/ports/deliveryReportParser";
import type { EmailMessage, EmailSendOutcome } from "../../shared/ports/emailSender";
import type { NotificationStore } from "../../shared/ports/notificationStore";
import type { OrderDocument } from "../../shared/domain/order";
import type { OrderStore } from "../../shared/ports/orderStore";
import { processOrderMessageSchema } from "../../shared/queue/messages";
import { applyDeliveryReports } from "../../shared/usecases/applyDeliveryReport";
import { processOrderGroup } from "../../shared/usecases/processOrderGroup";
import { sweepOrders } from "../../shared/usecases/sweepOrders";
import { viewOrderChain } from "../../shared/usecases/viewOrderChain";
import { viewOrderStatus } from "../../shared/usecases/viewOrderStatus";
import { registerOrders } from "../../shared/usecases/steps/idempotentRegistration";
import { freshDependenciesPerTest } from "../support/freshDependencies";
import { sampleOrder } from "../support/orders";
import { ManualClock } from "../support/pipeline";

const t0 = "2026-11-23T09:00:00.000Z"; // Monday 10:00 in Oslo
const clock = new ManualClock(new Date(t0));
const fresh = freshDependenciesPerTest(clock);
const tenant = "991825827";
let handed: EmailMessage[];
let failSends: boolean;

beforeEach(() => {
  handed = [];
  failSends = false;
  clock.set(t0);
});

/** Reports as plain objects (`{ reference, status }`), so these tests do not depend on ACS's format. */
const simpleParser: DeliveryReportParser = (provider, payload) => {
  const { reference, status } = payload as { reference: string; status: string };
  return [
    { valid: true, provider, reference, status, raw: payload } as ReturnType<DeliveryReportParser>[number],
  ];
};

/** A tenant whose feed lists final outcomes only, as most have: its small orders are released without a claim. */
const deps = () => ({
  ...fresh.deps,
  feedAudience: { listsTransitions: async () => false, subscriptionsChanged: () => {} },
  parseReport: simpleParser,
  emailSender: {
    send: async (m: EmailMessage): Promise<EmailSendOutcome> => {
      if (failSends) throw new Error("the provider did not answer");
      handed.push(m);
      return { outcome: "accepted", operationId: m.notificationId };
    },
  },
});

/** Counts the order writes from now on. */
function countOrderWrites(): { count: number } {
  const writes = { count: 0 };
  const orders = fresh.deps.orders;
  const counting: OrderStore = Object.create(orders) as OrderStore;
  counting.updateOrder = (order, changes) => {
    writes.count += 1;
    return orders.updateOrder(order, changes);
  };
  fresh.deps.orders = counting;
  return writes;
}

/** Processes what the sweeps released so far, as the priority lane's job would. */
async function processReleased() {
  for (const m of fresh.publisher.on("processOrder")) {
    const body = processOrderMessageSchema.parse(m.body);
    await processOrderGroup(deps(), { orderIds: "orderIds" in body ? body.orderIds : [body.orderId] });
  }
}

/** A Registered single-recipient email order due now, released by a sweep and processed from its message. */
async function sentOrder() {
  const order = sampleOrder({ requestedSendTime: t0, recipients: [{ emailAddress: "person@example.com" }] });
  await fresh.deps.orders.createOrder(order);
  await sweepOrders(deps());
  await processReleased().catch(() => undefined);
  return order;
}

const report = (reference: string, status: string) => ({
  varselReport: { provider: "acs", firstSeen: t0, attempt: 0, payload: { reference, status } },
});

const storedStatus = async (orderId: string) => (await fresh.deps.orders.getOrder(orderId))?.status;

/**
 * A sent order and its notification, with the clock a lease after the sweep that passed it: sweeps go on every
 * few seconds, and the release cursor passes an order a settle time after its send time.
 */
async function sentALeaseAgo() {
  const order = await sentOrder();
  const [notification] = await fresh.deps.notifications.listByOrder(order.id);
  clock.advance(releaseSettleMs + 2_000);
  await sweepOrders(deps());
  clock.advance(releaseLeaseMs);
  return { order, notification: notification! };
}

/** The order store, running `before` ahead of each order replace (another worker's change coming between). */
function racingOrders(before: (current: OrderDocument, changes: Partial<OrderDocument>) => Promise<void>) {
  const orders = fresh.deps.orders;
  const racing: OrderStore = Object.create(orders) as OrderStore;
  racing.updateOrder = async (current, changes) => {
    await before(current, changes);
    return orders.updateOrder(current, changes);
  };
  return racing;
}

describe("an order whose one notification holds its status", () => {
  it("is sent and completed with no order write: it reads Processed, then Completed with its feed entry", async () => {
    const writes = countOrderWrites();
    const order = await sentOrder();

    expect(handed.map((m) => m.to)).toEqual(["person@example.com"]);
    expect(writes.count).toBe(0);
    expect(await storedStatus(order.id)).toBe("Registered");
    const [notification] = await fresh.deps.notifications.listByOrder(order.id);
    const read = await viewOrderStatus(fresh.deps, tenant, order.id);
    expect(read.order).toMatchObject({ status: "Processed", statusChangedAt: notification!.created });

    await applyDeliveryReports(deps(), [
      { message: report(notification!.id, "Delivered"), enqueuedTime: undefined },
    ]);
    expect(writes.count).toBe(0);
    expect(await storedStatus(order.id)).toBe("Registered");
    const [delivered] = await fresh.deps.notifications.listByOrder(order.id);
    const completed = await viewOrderStatus(fresh.deps, tenant, order.id);
    expect(completed.order).toMatchObject({
      status: "Completed",
      statusChangedAt: delivered!.statusChangedAt,
    });
    const feed = await fresh.deps.statusFeed.read({ creator: tenant, after: 0, pageSize: 10, order: "Asc" });
    expect(feed.map((e) => [e.shipmentId, e.status, e.recipients.map((r) => r.status)])).toEqual([
      [order.id, "Order_Completed", ["Email_Delivered"]],
    ]);
    // A lease later the sweeper looks at it once and leaves it as it is.
    clock.advance(releaseSettleMs + 2_000);
    await sweepOrders(deps());
    clock.advance(releaseLeaseMs);
    expect(await sweepOrders(deps())).toMatchObject({ watched: 0, recovered: 0, released: 0, failed: [] });
    expect((await fresh.deps.orders.getReleaseCursor())?.checked).toEqual({
      requestedSendTime: order.requestedSendTime,
      id: order.id,
    });
    expect(writes.count).toBe(0);
  });

  it("is published once while the sweeps every two seconds read it again until the cursor passes it", async () => {
    const order = await sentOrder();
    for (let second = 2; second <= 40; second += 2) {
      clock.advance(2_000);
      await sweepOrders(deps());
    }
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);
    expect(await storedStatus(order.id)).toBe("Registered");
  });

  it("is written Processed when its send did not go out, for the sweeper's lost-send check", async () => {
    failSends = true;
    const order = await sentOrder();

    expect(await storedStatus(order.id)).toBe("Processed");
    const [notification] = await fresh.deps.notifications.listByOrder(order.id);
    expect(notification?.status).toBe("Sending");
  });

  it("is watched by the sweeper when its report has not come a lease after its release", async () => {
    const { order, notification } = await sentALeaseAgo();
    const released = fresh.publisher.on("processOrder").length;

    const summary = await sweepOrders(deps());

    expect(summary).toMatchObject({ watched: 1, recovered: 0 });
    expect(await fresh.deps.orders.getOrder(order.id)).toMatchObject({
      status: "Processed",
      notificationIds: [notification.id],
      sweepAt: new Date(Date.parse(notification.expiry) + expiryGraceSeconds * 1000).toISOString(),
    });
    // Its message was not lost: nothing is released or sent again.
    expect(fresh.publisher.on("processOrder")).toHaveLength(released);
    expect(handed).toHaveLength(1);
    expect((await sweepOrders(deps())).watched).toBe(0);

    await applyDeliveryReports(deps(), [
      { message: report(notification.id, "Delivered"), enqueuedTime: undefined },
    ]);
    expect(await storedStatus(order.id)).toBe("Completed");
  });

  it("is looked at a lease later on its own: a store error on one holds back no other", async () => {
    const [broken, other] = [await sentOrder(), await sentOrder()];
    clock.advance(releaseSettleMs + 2_000);
    await sweepOrders(deps());
    clock.advance(releaseLeaseMs);
    const notifications = fresh.deps.notifications;
    const failing: NotificationStore = Object.create(notifications) as NotificationStore;
    failing.listByOrder = (orderId) =>
      orderId === broken.id
        ? Promise.reject(new Error("store unavailable"))
        : notifications.listByOrder(orderId);

    const summary = await sweepOrders({ ...deps(), notifications: failing });

    expect(summary.failed).toEqual([{ orderId: broken.id, problem: "store unavailable" }]);
    expect(summary.watched).toBe(1);
    expect(await storedStatus(other.id)).toBe("Processed");
    expect(await storedStatus(broken.id)).toBe("Registered");
  });

  it("is completed when its report comes while the sweeper writes it Processed", async () => {
    const { order, notification } = await sentALeaseAgo();
    // The report is applied (and completes the order as a held one) after the sweeper read the notification
    // pending and before it writes the order Processed.
    const racing = racingOrders(async (_, changes) => {
      if (changes.status === "Processed")
        await applyDeliveryReports(deps(), [
          { message: report(notification.id, "Delivered"), enqueuedTime: undefined },
        ]);
    });

    expect((await sweepOrders({ ...deps(), orders: racing })).watched).toBe(1);

    expect(await storedStatus(order.id)).toBe("Completed");
    const feed = await fresh.deps.statusFeed.read({ creator: tenant, after: 0, pageSize: 10, order: "Asc" });
    expect(feed.map((e) => e.status)).toEqual(["Order_Completed"]);
  });

  it("is completed by its report although the sweeper wrote the processed order between its feed entry and its completion", async () => {
    const { order, notification } = await sentALeaseAgo();
    await sweepOrders(deps());
    expect(await storedStatus(order.id)).toBe("Processed");
    let raced = false;
    const racing = racingOrders(async (current, changes) => {
      if (changes.status !== "Completed" || raced) return;
      raced = true;
      await fresh.deps.orders.updateOrder(current, { sweepAt: "2026-11-25T09:00:00.000Z" });
    });

    await applyDeliveryReports({ ...deps(), orders: racing }, [
      { message: report(notification.id, "Delivered"), enqueuedTime: undefined },
    ]);

    expect(raced).toBe(true);
    expect(await storedStatus(order.id)).toBe("Completed");
  });

  it("gets its feed entry from the sweeper when its completion after the report was lost", async () => {
    const { order, notification } = await sentALeaseAgo();
    await fresh.deps.notifications.update(notification, { status: "Delivered", statusChangedAt: t0 });
    expect(await fresh.deps.statusFeed.has(tenant, order.id, "Order_Completed")).toBe(false);
    await sweepOrders(deps());

    expect(await storedStatus(order.id)).toBe("Registered");
    expect((await viewOrderStatus(fresh.deps, tenant, order.id)).order.status).toBe("Completed");
    const feed = await fresh.deps.statusFeed.read({ creator: tenant, after: 0, pageSize: 10, order: "Asc" });
    expect(feed.map((e) => e.status)).toEqual(["Order_Completed"]);
    expect(handed).toHaveLength(1);
  });

  it("reads Processed in its chain's view too", async () => {
    const { receipt } = await registerOrders(deps(), {
      tenant,
      key: { kind: "order", idempotencyId: "held", body: {} },
      buildOrders: (ids) => [
        sampleOrder({
          id: ids.mainOrderId,
          chainId: ids.chainId,
          requestedSendTime: t0,
          recipients: [{ emailAddress: "person@example.com" }],
        }),
      ],
    });
    await sweepOrders(deps());
    await processReleased();

    expect(await storedStatus(receipt.notification.shipmentId)).toBe("Registered");
    const chain = await viewOrderChain(deps(), tenant, receipt.notificationOrderId);
    expect(chain.main.status).toBe("Processed");
  });
});
