import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { NotificationStore } from "../../../shared/ports/notificationStore";
import type { FeedAudience } from "../../../shared/ports/feedAudience";
import {
  completeOrder,
  maxFeedRecipients,
  transitionOrder,
} from "../../../shared/usecases/steps/transitionOrder";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";
import { sampleEmail } from "../../support/notifications";
import { sampleOrder } from "../../support/orders";
import { cosmosStores, ManualClock } from "../../support/pipeline";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
const t0 = "2026-11-23T10:00:00.000Z";
const clock = new ManualClock(new Date(t0));

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());
beforeEach(async () => {
  stores = cosmosStores(await cosmos.freshDatabase());
});

/** The notification store, counting the notifications read through it. */
function countingReads(store: NotificationStore) {
  const counted = { read: 0 };
  const wrapped: NotificationStore = Object.create(store) as NotificationStore;
  wrapped.listByOrder = async (orderId) => {
    const found = await store.listByOrder(orderId);
    counted.read += found.length;
    return found;
  };
  wrapped.getMany = async (orderId, ids) => {
    const found = await store.getMany(orderId, ids);
    counted.read += found.length;
    return found;
  };
  return { store: wrapped, counted };
}

async function completedFeedEntry(order: ReturnType<typeof sampleOrder>) {
  await stores.orders.createOrder(order);
  await stores.notifications.createMany([
    sampleEmail(order.id, t0, { status: "Delivered" }),
    sampleEmail(order.id, t0, { status: "Delivered", recipient: { address: "other@example.com" } }),
  ]);
  const { store, counted } = countingReads(stores.notifications);
  const stored = await stores.orders.getOrder(order.id);
  await completeOrder({ ...stores, notifications: store, clock }, stored!, {}, "always");
  const entries = await stores.statusFeed.read({
    creator: order.creator,
    after: 0,
    pageSize: 10,
    order: "Asc",
  });
  return { entry: entries.find((e) => e.shipmentId === order.id), read: counted.read };
}

describe("completeOrder: the feed entry of a final order", () => {
  it("lists the recipients of a small order with their final statuses", async () => {
    const { entry, read } = await completedFeedEntry(sampleOrder());
    expect(read).toBe(2);
    expect(entry?.recipients).toHaveLength(2);
    expect(entry?.recipientsOmitted).toBeUndefined();
  });

  it("reads no notification of an order with more recipients than an entry lists, and lists none", async () => {
    const { entry, read } = await completedFeedEntry(
      sampleOrder({ recipients: [], recipientCount: maxFeedRecipients + 1 }),
    );
    expect(read).toBe(0);
    expect(entry?.status).toBe("Order_Completed");
    expect(entry?.recipients).toEqual([]);
    // Webhook subscribers to recipient events read them from the order's notifications instead.
    expect(entry?.recipientsOmitted).toBe(true);
  });
});

describe("transitionOrder: a tenant whose feed lists final outcomes only", () => {
  const finalOnly: FeedAudience = { listsTransitions: async () => false, subscriptionsChanged: () => {} };

  it("moves the order through Processing and Processed with one write each and no feed entry, then completes it with one", async () => {
    const order = sampleOrder();
    await stores.orders.createOrder(order);
    const deps = { ...stores, feedAudience: finalOnly, clock };
    const writes = { count: 0 };
    const orders = Object.create(stores.orders) as typeof stores.orders;
    orders.updateOrder = (o, changes) => {
      writes.count += 1;
      return stores.orders.updateOrder(o, changes);
    };
    const processing = await transitionOrder(
      { ...deps, orders },
      (await stores.orders.getOrder(order.id))!,
      "Processing",
    );
    const processed = await transitionOrder({ ...deps, orders }, processing, "Processed");
    expect(processed.feedOutbox).toBeUndefined();
    expect(writes.count).toBe(2);
    await transitionOrder({ ...deps, orders }, processed, "Completed");
    expect(writes.count).toBe(3);
    const entries = await stores.statusFeed.read({
      creator: order.creator,
      after: 0,
      pageSize: 10,
      order: "Asc",
    });
    expect(entries.map((e) => e.status)).toEqual(["Order_Completed"]);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });
});
