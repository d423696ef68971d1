import type { BulkOrderDocument } from "../../domain/bulkOrder";
import { mainOrderIdOf } from "../../domain/deterministicIds";
import type { OrderDocument } from "../../domain/order";
import type { TemplateDocument } from "../../domain/templates";
import type { WebhookSubscription } from "../../domain/webhooks";
import { AppError } from "../../errors";
import type { BulkOrders } from "../../ports/bulkOrders";
import type { OrderStore } from "../../ports/orderStore";
import type {
  ChainOrder,
  TenantBulkOrders,
  TenantOrders,
  TenantTemplates,
  TenantWebhooks,
} from "../../ports/tenantScoped";
import type { TemplateStore } from "../../ports/templateStore";
import type { WebhookStore } from "../../ports/webhooks";

/*
 * Tenant isolation, in one place: an organisation sees only what it stored, and another organisation's order,
 * chain, bulk order, template or webhook subscription is not found, as a missing one is (a 404 that tells
 * nothing). Use cases read through these views and never compare owners themselves. Where a store already keeps
 * each organisation in its own partition (templates, webhooks), the owner check here is a second lock.
 */

/** The document when `owner` is the caller; otherwise nothing, as if it did not exist. */
function visibleTo<T>(
  tenant: string,
  document: T | undefined,
  owner: (document: T) => string,
): T | undefined {
  return document !== undefined && owner(document) === tenant ? document : undefined;
}

/** An order that carries the idempotency record of the chain it heads. */
export function isChainOrder(order: OrderDocument): order is ChainOrder {
  return order.chain !== undefined;
}

/** The organisation's view of the order store. */
export function ordersOf(store: OrderStore, tenant: string): TenantOrders {
  const getOrder = async (orderId: string) =>
    visibleTo(tenant, await store.getOrder(orderId), (order) => order.creator);
  return {
    getOrder,
    async getChain(chainId) {
      const main = await getOrder(mainOrderIdOf(chainId));
      return main && isChainOrder(main) ? main : undefined;
    },
    async findBySendersReference(sendersReference) {
      const found = await store.findOrdersBySendersReference(tenant, sendersReference);
      return found.filter((order) => visibleTo(tenant, order, (o) => o.creator));
    },
  };
}

/** The organisation's view of the bulk orders. */
export function bulkOrdersOf(store: BulkOrders, tenant: string): TenantBulkOrders {
  return {
    get: async (orderId) => visibleTo(tenant, await store.get(orderId), (bulk) => bulk.creator),
  };
}

/** The organisation's view of the template store (which keeps each organisation in its own partition). */
export function templatesOf(store: TemplateStore, tenant: string): TenantTemplates {
  const own = (versions: TemplateDocument[]) =>
    versions.filter((version) => visibleTo(tenant, version, (v) => v.creator));
  return {
    versions: async (name) => own(await store.versions(tenant, name)),
    latestVersions: async () => own(await store.latestVersions(tenant)),
  };
}

/** The organisation's view of the webhook store (which keeps each organisation in its own partition). */
export function webhooksOf(store: WebhookStore, tenant: string): TenantWebhooks {
  return {
    getSubscription: async (id) =>
      visibleTo(tenant, await store.getSubscription(tenant, id), (subscription) => subscription.tenant),
    listSubscriptions: async () =>
      (await store.listSubscriptions(tenant)).filter((s) => visibleTo(tenant, s, (it) => it.tenant)),
    getDelivery: async (id) =>
      visibleTo(tenant, await store.getDelivery(tenant, id), (delivery) => delivery.tenant),
    listDeliveries: async (subscriptionId, status, limit) =>
      (await store.listDeliveries(tenant, subscriptionId, status, limit)).filter((d) =>
        visibleTo(tenant, d, (it) => it.tenant),
      ),
  };
}

/*
 * What the API answers when a caller names something it cannot see: the same answer whether the document is
 * missing or another organisation's. (An unknown shipment on `future/shipment/{id}` is Altinn's NOT-00003
 * problem instead, rendered by its handler from an absent view.)
 */

export async function requireOrder(orders: TenantOrders, orderId: string): Promise<OrderDocument> {
  const order = await orders.getOrder(orderId);
  if (!order) throw new AppError("not-found", "Order not found.");
  return order;
}

export async function requireChain(orders: TenantOrders, chainId: string): Promise<ChainOrder> {
  const main = await orders.getChain(chainId);
  if (!main) throw new AppError("not-found", "Order chain not found.");
  return main;
}

export async function requireBulkOrder(
  bulkOrders: TenantBulkOrders,
  orderId: string,
): Promise<BulkOrderDocument> {
  const bulk = await bulkOrders.get(orderId);
  if (!bulk) throw new AppError("not-found", "Bulk order not found.");
  return bulk;
}

/** Every version of the template, oldest first. */
export async function requireTemplate(templates: TenantTemplates, name: string): Promise<TemplateDocument[]> {
  const versions = await templates.versions(name);
  if (versions.length === 0) throw new AppError("not-found", `Template ${name} not found.`);
  return versions;
}

/** Also the answer to an id that cannot be a subscription's, and to a subscription deleted meanwhile. */
export const subscriptionNotFound = "Subscription not found.";

export async function requireSubscription(
  webhooks: TenantWebhooks,
  id: string,
): Promise<WebhookSubscription> {
  const subscription = await webhooks.getSubscription(id);
  if (!subscription) throw new AppError("not-found", subscriptionNotFound);
  return subscription;
}
