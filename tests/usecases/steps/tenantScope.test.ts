import { describe, expect, it } from "vitest";
import type { BulkOrderDocument } from "../../../shared/domain/bulkOrder";
import { chainIds } from "../../../shared/domain/deterministicIds";
import type { OrderDocument } from "../../../shared/domain/order";
import type { TemplateDocument } from "../../../shared/domain/templates";
import type { WebhookDelivery, WebhookSubscription } from "../../../shared/domain/webhooks";
import { isAppError } from "../../../shared/errors";
import type { BulkOrders } from "../../../shared/ports/bulkOrders";
import type { OrderStore } from "../../../shared/ports/orderStore";
import type { TemplateStore } from "../../../shared/ports/templateStore";
import type { WebhookStore } from "../../../shared/ports/webhooks";
import {
  bulkOrdersOf,
  ordersOf,
  requireBulkOrder,
  requireChain,
  requireOrder,
  requireSubscription,
  requireTemplate,
  templatesOf,
  webhooksOf,
} from "../../../shared/usecases/steps/tenantScope";
import { sampleOrder } from "../../support/orders";

const mine = "991825827";
const theirs = "987654325";

// Stores that answer whatever they hold, whoever asks: the views alone must keep the organisations apart.

function stored(order: Partial<OrderDocument>): OrderDocument {
  return { ...sampleOrder(), pk: "", docType: "order", ...order };
}

function orderStore(orders: OrderDocument[]): OrderStore {
  return {
    getOrder: async (id: string) => orders.find((o) => o.id === id),
    findOrdersBySendersReference: async (_creator: string, reference: string) =>
      orders.filter((o) => o.sendersReference === reference),
  } as unknown as OrderStore;
}

const notFound = (message: string) => (e: unknown) => isAppError(e, "not-found") && e.message === message;

describe("ordersOf", () => {
  const ids = chainIds(mine, "order", "k1");
  const receipt = { notificationOrderId: ids.chainId, notification: { shipmentId: ids.mainOrderId } };
  const chain = { idempotencyId: "k1", requestHash: "h", orderIds: [ids.mainOrderId], receipt };
  const mainOrder = stored({ id: ids.mainOrderId, creator: mine, chain, sendersReference: "ref" });
  const plain = stored({
    id: chainIds(mine, "order", "k2").mainOrderId,
    creator: mine,
    sendersReference: "ref",
  });
  const other = stored({ creator: theirs, sendersReference: "ref" });
  const store = orderStore([mainOrder, plain, other]);

  it("sees the organisation's own orders and chains only", async () => {
    const orders = ordersOf(store, mine);
    expect(await orders.getOrder(mainOrder.id)).toBe(mainOrder);
    expect(await orders.getOrder(other.id)).toBeUndefined();
    expect(await orders.getChain(ids.chainId)).toBe(mainOrder);
    expect(await orders.getChain(chainIds(mine, "order", "k2").chainId)).toBeUndefined();
    expect(await ordersOf(store, theirs).getChain(ids.chainId)).toBeUndefined();
    expect((await orders.findBySendersReference("ref")).map((o) => o.id)).toEqual([mainOrder.id, plain.id]);
  });

  it("answers what the caller cannot see as not found, with the API's messages", async () => {
    await expect(requireOrder(ordersOf(store, theirs), mainOrder.id)).rejects.toSatisfy(
      notFound("Order not found."),
    );
    await expect(requireChain(ordersOf(store, theirs), ids.chainId)).rejects.toSatisfy(
      notFound("Order chain not found."),
    );
    expect(await requireOrder(ordersOf(store, mine), mainOrder.id)).toBe(mainOrder);
  });
});

describe("bulkOrdersOf", () => {
  it("sees the organisation's own bulk orders only", async () => {
    const bulk = { orderId: "b1", creator: mine } as BulkOrderDocument;
    const store = {
      get: async (id: string) => (id === bulk.orderId ? bulk : undefined),
    } as unknown as BulkOrders;
    expect(await requireBulkOrder(bulkOrdersOf(store, mine), "b1")).toBe(bulk);
    await expect(requireBulkOrder(bulkOrdersOf(store, theirs), "b1")).rejects.toSatisfy(
      notFound("Bulk order not found."),
    );
  });
});

describe("templatesOf", () => {
  it("sees the organisation's own template versions only", async () => {
    const versions = [{ name: "t", version: 1, creator: mine } as TemplateDocument];
    const store = {
      versions: async () => versions,
      latestVersions: async () => versions,
    } as unknown as TemplateStore;
    expect(await requireTemplate(templatesOf(store, mine), "t")).toEqual(versions);
    expect(await templatesOf(store, theirs).latestVersions()).toEqual([]);
    await expect(requireTemplate(templatesOf(store, theirs), "t")).rejects.toSatisfy(
      notFound("Template t not found."),
    );
  });
});

describe("webhooksOf", () => {
  it("sees the organisation's own subscriptions and deliveries only", async () => {
    const subscription = { id: "s1", tenant: mine } as WebhookSubscription;
    const delivery = { id: "d1", tenant: mine, subscriptionId: "s1" } as WebhookDelivery;
    const store = {
      getSubscription: async () => subscription,
      listSubscriptions: async () => [subscription],
      getDelivery: async () => delivery,
      listDeliveries: async () => [delivery],
    } as unknown as WebhookStore;
    const own = webhooksOf(store, mine);
    expect(await requireSubscription(own, "s1")).toBe(subscription);
    expect(await own.listSubscriptions()).toEqual([subscription]);
    expect(await own.getDelivery("d1")).toBe(delivery);
    expect(await own.listDeliveries("s1", "failed", 10)).toEqual([delivery]);

    const other = webhooksOf(store, theirs);
    await expect(requireSubscription(other, "s1")).rejects.toSatisfy(notFound("Subscription not found."));
    expect(await other.listSubscriptions()).toEqual([]);
    expect(await other.getDelivery("d1")).toBeUndefined();
    expect(await other.listDeliveries("s1", "failed", 10)).toEqual([]);
  });
});
