import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultSendingWindow } from "../../shared/domain/sendingWindow";
import { abandonedSendMs, lostSendGraceMs, releaseLeaseMs } from "../../shared/domain/recoveryTimes";
import { transient } from "../../shared/errors";
import { containers } from "../../shared/platform/resources";
import type { OrderStore } from "../../shared/ports/orderStore";
import type { StatusFeed } from "../../shared/ports/statusFeed";
import { sendNotification } from "../../shared/usecases/sendNotification";
import { sweepOrders } from "../../shared/usecases/sweepOrders";
import { transitionOrder } from "../../shared/usecases/steps/transitionOrder";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleEmail, sampleSms } from "../support/notifications";
import { sampleOrder } from "../support/orders";
import { cosmosStores, ManualClock, RecordingPublisher } from "../support/pipeline";

let cosmos: TestCosmos;
let database: Awaited<ReturnType<TestCosmos["freshDatabase"]>>;
let stores: ReturnType<typeof cosmosStores>;
const t0 = "2026-11-23T10:00:00.000Z";
const clock = new ManualClock(new Date(t0));
let publisher: RecordingPublisher;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());
beforeEach(async () => {
  database = await cosmos.freshDatabase();
  stores = cosmosStores(database);
  publisher = new RecordingPublisher();
  clock.set(t0);
});

const deps = () => ({ ...stores, publisher, clock });

/** The orders the process messages carry, one per message or many in a group. */
const releasedOrderIds = () =>
  publisher.on("processOrder").flatMap((m) => {
    const body = m.body as { orderId?: string; orderIds?: string[] };
    return body.orderIds ?? (body.orderId ? [body.orderId] : []);
  });
const sent: string[] = [];
const sendDeps = () => ({
  ...deps(),
  emailSender: {
    send: async (m: { notificationId: string }) => {
      sent.push(m.notificationId);
      return { outcome: "accepted" as const, operationId: m.notificationId };
    },
  },
  smsSender: {
    send: async (m: { notificationId: string }) => {
      sent.push(m.notificationId);
      return { outcome: "accepted" as const, gatewayReference: `gw-${m.notificationId}` };
    },
    sendMany: async (ms: Array<{ notificationId: string }>) =>
      ms.map((m) => {
        sent.push(m.notificationId);
        return { outcome: "accepted" as const, gatewayReference: `gw-${m.notificationId}` };
      }),
  },
  sendingWindow: defaultSendingWindow,
});

async function feedOf(creator: string) {
  return stores.statusFeed.read({ creator, after: 0, pageSize: 100, order: "Asc" });
}

/** An order claimed and processed as the pipeline leaves it, with these notifications stored. */
async function processedOrder(
  ...notifications: Array<ReturnType<typeof sampleEmail> | ReturnType<typeof sampleSms>>
) {
  const order = sampleOrder({ requestedSendTime: t0 });
  await stores.orders.createOrder(order);
  const processing = await transitionOrder(deps(), (await stores.orders.getOrder(order.id))!, "Processing", {
    leaseUntil: new Date(Date.parse(t0) + releaseLeaseMs).toISOString(),
  });
  await stores.notifications.createMany(notifications.map((n) => ({ ...n, orderId: order.id })));
  await transitionOrder(deps(), processing, "Processed", {
    leaseUntil: undefined,
    sweepAt: new Date(Date.parse(t0) + lostSendGraceMs).toISOString(),
  });
  return order;
}

describe("sweepOrders: releasing", () => {
  it("releases due orders once, leaves future ones, and publishes with a deterministic message id", async () => {
    const due = sampleOrder({ requestedSendTime: "2026-11-23T09:59:00.000Z" });
    const future = sampleOrder({ requestedSendTime: "2026-11-23T10:30:00.000Z" });
    await stores.orders.createOrder(due);
    await stores.orders.createOrder(future);

    expect((await sweepOrders(deps())).released).toBe(1);
    expect(publisher.on("processOrder").map((m) => [m.messageId, m.body])).toEqual([
      [`process:${due.id}:1`, { orderId: due.id }],
    ]);
    expect((await stores.orders.getOrder(due.id))?.status).toBe("Processing");
    expect((await stores.orders.getOrder(future.id))?.status).toBe("Registered");
    expect((await sweepOrders(deps())).released).toBe(0);
  });

  it("reads a run's due orders in one query and releases them fifty to a process message", async () => {
    const orders = Array.from({ length: 120 }, (_, i) =>
      sampleOrder({ requestedSendTime: new Date(Date.parse(t0) - (i + 1) * 1000).toISOString() }),
    );
    for (const o of orders) await stores.orders.createOrder(o);
    const dueQueries: number[] = [];
    const counting: OrderStore = Object.create(stores.orders) as OrderStore;
    counting.findDue = (now, limit) => {
      dueQueries.push(limit);
      return stores.orders.findDue(now, limit);
    };

    expect((await sweepOrders({ ...deps(), orders: counting })).released).toBe(120);
    expect(dueQueries).toHaveLength(1);
    const groups = publisher.on("processOrder").map((m) => (m.body as { orderIds: string[] }).orderIds);
    expect(groups.map((g) => g.length)).toEqual([50, 50, 20]);
    // Earliest first: the longest overdue orders go in the first message.
    expect(groups[0]).toEqual(
      orders
        .slice(70)
        .reverse()
        .map((o) => o.id),
    );
  });

  it("reads on where the store's page stopped short, so large orders are released a page at a time", async () => {
    const orders = Array.from({ length: 70 }, () =>
      sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" }),
    );
    for (const o of orders) await stores.orders.createOrder(o);
    const pageSizes: number[] = [];
    // A page of at most 30 orders, as Cosmos DB's 4 MB stops a page of orders that large.
    const paged: OrderStore = Object.create(stores.orders) as OrderStore;
    paged.findDue = async (now, limit) => {
      const page = await stores.orders.findDue(now, Math.min(limit, 30));
      pageSizes.push(page.documents.length);
      return { ...page, more: page.documents.length === 30 };
    };

    expect((await sweepOrders({ ...deps(), orders: paged })).released).toBe(70);
    expect(pageSizes).toEqual([30, 30, 10]);
    expect(new Set(releasedOrderIds()).size).toBe(70);
  });

  it("never releases the same order from two concurrent sweeps", async () => {
    const orders = Array.from({ length: 12 }, () =>
      sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" }),
    );
    for (const o of orders) await stores.orders.createOrder(o);
    const [a, b] = await Promise.all([sweepOrders(deps()), sweepOrders(deps())]);
    expect(a.released + b.released).toBe(12);
    const ids = releasedOrderIds();
    expect(new Set(ids).size).toBe(12);
    expect(ids).toHaveLength(12);
  });

  it("releases an order again when its process message was lost and the lease ran out", async () => {
    const order = sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" });
    await stores.orders.createOrder(order);
    publisher.failNext = true;
    await expect(sweepOrders(deps())).rejects.toThrow();
    expect(publisher.on("processOrder")).toHaveLength(0);

    clock.advance(releaseLeaseMs - 60_000);
    expect((await sweepOrders(deps())).recovered).toBe(0);
    clock.advance(2 * 60_000);
    expect((await sweepOrders(deps())).recovered).toBe(1);
    expect(publisher.on("processOrder").map((m) => m.messageId)).toEqual([`process:${order.id}:2`]);
  });

  it("claims every other order when one claim fails with a store error", async () => {
    const orders = Array.from({ length: 5 }, () =>
      sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" }),
    );
    for (const o of orders) await stores.orders.createOrder(o);
    const broken = orders[2]!.id;
    const flaky: OrderStore = Object.create(stores.orders) as OrderStore;
    flaky.updateOrder = (order, changes) =>
      order.id === broken
        ? Promise.reject(transient("update order: Cosmos DB is unavailable (503)"))
        : stores.orders.updateOrder(order, changes);

    const summary = await sweepOrders({ ...deps(), orders: flaky });
    expect(summary.released).toBe(4);
    expect(summary.failed).toEqual([{ orderId: broken, problem: expect.stringContaining("503") }]);
    expect(releasedOrderIds().sort()).toEqual(
      orders
        .map((o) => o.id)
        .filter((id) => id !== broken)
        .sort(),
    );
    expect((await sweepOrders(deps())).released).toBe(1);
  });
});

describe("sweepOrders: releasing without a claim", () => {
  /** A tenant whose feed lists final outcomes only, as most have: its small orders need no claim write. */
  const finalOnly = { listsTransitions: async () => false, subscriptionsChanged: () => {} };
  const quiet = () => ({ ...deps(), feedAudience: finalOnly });

  it("releases a small due order once without writing it, and a later one after it", async () => {
    const first = sampleOrder({ requestedSendTime: "2026-11-23T09:59:00.000Z" });
    await stores.orders.createOrder(first);
    const before = await stores.orders.getOrder(first.id);

    expect((await sweepOrders(quiet())).released).toBe(1);
    expect(await stores.orders.getOrder(first.id)).toEqual(before);
    expect((await sweepOrders(quiet())).released).toBe(0);

    const second = sampleOrder({ requestedSendTime: "2026-11-23T10:00:30.000Z" });
    await stores.orders.createOrder(second);
    clock.advance(60_000);
    expect((await sweepOrders(quiet())).released).toBe(1);
    expect(publisher.on("processOrder").map((m) => m.messageId)).toEqual([
      `process:${first.id}:0`,
      `process:${second.id}:0`,
    ]);
  });

  it("releases orders due at the same instant in id order, each once, across sweeps that stop short", async () => {
    const orders = Array.from({ length: 70 }, () =>
      sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" }),
    );
    for (const o of orders) await stores.orders.createOrder(o);

    expect((await sweepOrders(quiet(), { batchSize: 50, maxBatches: 1, pendingPerOrder: 10 })).released).toBe(
      50,
    );
    expect((await sweepOrders(quiet(), { batchSize: 50, maxBatches: 1, pendingPerOrder: 10 })).released).toBe(
      20,
    );
    expect(releasedOrderIds()).toEqual(orders.map((o) => o.id).sort());
    expect((await sweepOrders(quiet())).released).toBe(0);
  });

  it("still releases an order stored after a sweep read past its send time (a write that landed late)", async () => {
    const first = sampleOrder({ requestedSendTime: "2026-11-23T09:59:55.000Z" });
    await stores.orders.createOrder(first);
    expect((await sweepOrders(quiet())).released).toBe(1);

    const late = sampleOrder({ requestedSendTime: "2026-11-23T09:59:50.000Z" });
    await stores.orders.createOrder(late);
    clock.advance(10_000);
    await sweepOrders(quiet());

    // The cursor stays 30 s behind the sweep: the late order is read, and so is the first one, still Registered.
    expect(releasedOrderIds()).toEqual([first.id, late.id, first.id]);
  });

  it("publishes the same messages from two concurrent sweeps, which the broker keeps once", async () => {
    const orders = Array.from({ length: 12 }, () =>
      sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" }),
    );
    for (const o of orders) await stores.orders.createOrder(o);

    await Promise.all([sweepOrders(quiet()), sweepOrders(quiet())]);

    const kept = new Map(publisher.on("processOrder").map((m) => [m.messageId, m.body]));
    expect([...kept.values()].flatMap((body) => (body as { orderIds: string[] }).orderIds).sort()).toEqual(
      orders.map((o) => o.id).sort(),
    );
    expect((await sweepOrders(quiet())).released).toBe(0);
  });

  it("claims an order released without a claim whose message was lost, a lease after its release", async () => {
    const order = sampleOrder({ requestedSendTime: "2026-11-23T09:59:00.000Z" });
    await stores.orders.createOrder(order);
    await sweepOrders(quiet());

    clock.advance(releaseLeaseMs - 2 * 60_000);
    expect((await sweepOrders(quiet())).recovered).toBe(0);
    clock.advance(2 * 60_000);
    expect((await sweepOrders(quiet())).recovered).toBe(1);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Processing");
    expect(publisher.on("processOrder").map((m) => m.messageId)).toEqual([
      `process:${order.id}:0`,
      `process:${order.id}:1`,
    ]);
  });

  it("still claims an order whose publish failed, and one of a tenant whose feed lists transitions", async () => {
    const order = sampleOrder({ requestedSendTime: "2026-11-23T09:59:00.000Z" });
    await stores.orders.createOrder(order);
    publisher.failNext = true;
    await expect(sweepOrders(quiet())).rejects.toThrow();
    expect((await sweepOrders(quiet())).released).toBe(1);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Registered");

    const watched = sampleOrder({ requestedSendTime: "2026-11-23T10:00:00.000Z" });
    await stores.orders.createOrder(watched);
    expect((await sweepOrders(deps())).released).toBe(1);
    expect((await stores.orders.getOrder(watched.id))?.status).toBe("Processing");
  });
});

describe("sweepOrders: work whose message or process was lost", () => {
  it("publishes a send again when its message was lost, once the grace has passed", async () => {
    sent.length = 0;
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrder(n);
    expect((await sweepOrders(deps())).resent).toBe(0);

    clock.advance(lostSendGraceMs + 1_000);
    const summary = await sweepOrders(deps());
    expect(summary.resent).toBe(1);
    const [message] = publisher.on("sendEmail");
    expect(message?.body).toEqual({ orderId: order.id, notificationId: n.id });
    await sendNotification(sendDeps(), { orderId: order.id, notificationId: n.id, retry: 0 });
    expect(sent).toEqual([n.id]);
  });

  it("takes a send again whose worker died while sending, and not before it counts as abandoned", async () => {
    sent.length = 0;
    const n = sampleSms("00000000-0000-4000-8000-000000000000", t0, { status: "Sending" });
    const order = await processedOrder(n);
    const message = { orderId: order.id, notificationId: n.id, retry: 0 };
    // The broker redelivers after the lock: the send is still young, so nothing is sent twice yet.
    clock.advance(60_000);
    await sendNotification(sendDeps(), message);
    expect(sent).toEqual([]);

    clock.advance(abandonedSendMs);
    expect((await sweepOrders(deps())).resent).toBe(1);
    await sendNotification(sendDeps(), message);
    expect(sent).toEqual([n.id]);
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Accepted");
  });

  it("completes an order whose last completion check was lost, and records it in the feed once", async () => {
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0, { status: "Delivered" });
    const order = await processedOrder(n);
    clock.advance(lostSendGraceMs);
    expect((await sweepOrders(deps())).completed).toBe(1);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
    expect((await sweepOrders(deps())).completed).toBe(0);
    const statuses = (await feedOf(order.creator)).map((e) => e.status);
    expect(statuses).toEqual(["Order_Processing", "Order_Processed", "Order_Completed"]);
    expect((await stores.orders.getOrder(order.id))?.sweepAt).toBeUndefined();
  });

  it("appends a feed entry whose append failed after the transition, exactly once and in order", async () => {
    const order = sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" });
    await stores.orders.createOrder(order);
    const failing: StatusFeed = {
      append: () => Promise.reject(transient("append status feed entry: Cosmos DB is unavailable (503)")),
      has: (...args) => stores.statusFeed.has(...args),
      read: (query) => stores.statusFeed.read(query),
    };
    expect((await sweepOrders({ ...deps(), statusFeed: failing })).released).toBe(1);
    expect(await feedOf(order.creator)).toEqual([]);
    expect((await stores.orders.getOrder(order.id))?.feedOutbox).toHaveLength(1);

    clock.advance(60_000);
    await sweepOrders(deps());
    await sweepOrders(deps());
    const feed = await feedOf(order.creator);
    expect(feed.map((e) => [e.sequenceNumber, e.shipmentId, e.status])).toEqual([
      [1, order.id, "Order_Processing"],
    ]);
    expect((await stores.orders.getOrder(order.id))?.feedOutbox).toBeUndefined();
  });
});

describe("sweepOrders: one bad document never stops the world", () => {
  it("quarantines unreadable orders and notifications among hundreds of good ones, and handles every good one", async () => {
    const raw = database.container(containers.orders.name);
    const good = Array.from({ length: 200 }, () =>
      sampleOrder({ requestedSendTime: "2026-11-23T09:00:00.000Z" }),
    );
    for (const o of good) await stores.orders.createOrder(o);
    const poison = sampleOrder();
    await raw.items.create({
      ...poison,
      pk: poison.id,
      docType: "order",
      requestedSendTime: "+010000-01-01T00:00:00.000Z",
    });
    const broken = sampleOrder();
    await raw.items.create({
      ...broken,
      pk: broken.id,
      docType: "order",
      requestedSendTime: "2026-11-23T09:00:00.000Z",
      recipients: "everyone",
    });

    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0, { status: "Delivered" });
    const processed = await processedOrder(n);
    await database
      .container(containers.notifications.name)
      .items.create({ ...sampleEmail(processed.id, t0), expiry: "soon" });

    const first = await sweepOrders({ ...deps(), clock });
    expect(first.released).toBe(200);
    expect(first.quarantined.map((q) => [q.kind, q.id]).sort()).toEqual(
      [
        ["order", poison.id],
        ["order", broken.id],
      ].sort(),
    );
    expect(first.quarantined.every((q) => q.problem.length > 0)).toBe(true);

    clock.advance(lostSendGraceMs);
    const second = await sweepOrders(deps());
    expect(second.quarantined.map((q) => q.kind)).toEqual(["notification"]);
    expect((await stores.orders.getOrder(processed.id))?.status).toBe("Completed");
    expect((await sweepOrders(deps())).quarantined).toEqual([]);
  });
});
