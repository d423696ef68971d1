import type { WebhookDelivery, WebhookDeliveryStatus } from "../domain/webhooks";
import type { WebhookStore } from "../ports/webhooks";
import { requireSubscription, webhooksOf } from "./steps/tenantScope";

/** Deliveries one call lists. */
const deliveryPageSize = 100;

/**
 * `GET webhooks/subscriptions/{id}/deliveries`: up to 100 of one of the caller's subscriptions' deliveries with
 * the status asked for.
 */
export async function findWebhookDeliveries(
  deps: { webhooks: WebhookStore },
  tenant: string,
  subscriptionId: string,
  status: WebhookDeliveryStatus,
): Promise<WebhookDelivery[]> {
  const webhooks = webhooksOf(deps.webhooks, tenant);
  const subscription = await requireSubscription(webhooks, subscriptionId);
  return webhooks.listDeliveries(subscription.id, status, deliveryPageSize);
}
