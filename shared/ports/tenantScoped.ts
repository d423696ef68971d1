import type { BulkOrderDocument } from "../domain/bulkOrder";
import type { OrderDocument } from "../domain/order";
import type { TemplateDocument } from "../domain/templates";
import type { WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription } from "../domain/webhooks";

/*
 * One organisation's view of the stores. What another organisation stored is not there: it is "not found" at
 * the source, exactly as a missing document is, so no use case or handler compares an owner with the caller.
 * Every read on behalf of a caller goes through one of these views; `usecases/steps/tenantScope.ts` builds them
 * over the stores (the one place the rule is written) and says how each kind of "not found" is answered.
 */

/** The main order of a `future/` chain, with the chain's idempotency record. */
export type ChainOrder = OrderDocument & { chain: NonNullable<OrderDocument["chain"]> };

/** The organisation's orders. */
export interface TenantOrders {
  getOrder(orderId: string): Promise<OrderDocument | undefined>;
  /** The main order of the chain a `future/` request registered, by the chain's id (its `notificationOrderId`). */
  getChain(chainId: string): Promise<ChainOrder | undefined>;
  findBySendersReference(sendersReference: string): Promise<OrderDocument[]>;
}

/** The organisation's bulk orders (before and beside their order). */
export interface TenantBulkOrders {
  get(orderId: string): Promise<BulkOrderDocument | undefined>;
}

/** The organisation's templates. */
export interface TenantTemplates {
  /** Every version of the template with this name, oldest first (empty when there is none). */
  versions(name: string): Promise<TemplateDocument[]>;
  /** The latest version of each template, by name. */
  latestVersions(): Promise<TemplateDocument[]>;
}

/** The organisation's webhook subscriptions and their deliveries. */
export interface TenantWebhooks {
  getSubscription(id: string): Promise<WebhookSubscription | undefined>;
  listSubscriptions(): Promise<WebhookSubscription[]>;
  getDelivery(id: string): Promise<WebhookDelivery | undefined>;
  listDeliveries(
    subscriptionId: string,
    status: WebhookDeliveryStatus,
    limit: number,
  ): Promise<WebhookDelivery[]>;
}
