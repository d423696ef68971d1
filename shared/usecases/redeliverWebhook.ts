import type { WebhookDelivery } from "../domain/webhooks";
import type { Clock } from "../ports/clock";
import type { WebhookStore } from "../ports/webhooks";
import { requireSubscription, webhooksOf } from "./steps/tenantScope";

/** Deliveries one call puts back in line (a page of the failed list). */
const maxRedeliveries = 100;

/**
 * Puts failed (or delivered) deliveries back in line: due now, with a fresh retry schedule. The named ones, or
 * without names the subscription's failed ones (up to 100 a call); names of other subscriptions' deliveries,
 * unknown names and pending deliveries are left alone. The next dispatcher run sends each with its own
 * `webhook-id`, so a receiver that already has one can tell.
 */
export async function redeliverWebhook(
  deps: { webhooks: WebhookStore; clock: Clock },
  tenant: string,
  subscriptionId: string,
  deliveryIds?: readonly string[],
): Promise<WebhookDelivery[]> {
  const webhooks = webhooksOf(deps.webhooks, tenant);
  await requireSubscription(webhooks, subscriptionId);
  const candidates = deliveryIds
    ? await Promise.all(deliveryIds.slice(0, maxRedeliveries).map((id) => webhooks.getDelivery(id)))
    : await webhooks.listDeliveries(subscriptionId, "failed", maxRedeliveries);
  const redelivered: WebhookDelivery[] = [];
  for (const delivery of candidates) {
    if (!delivery || delivery.subscriptionId !== subscriptionId || delivery.status === "pending") continue;
    redelivered.push(
      await deps.webhooks.updateDelivery(delivery, {
        status: "pending",
        attempts: 0,
        nextAttemptAt: deps.clock.now().toISOString(),
      }),
    );
  }
  return redelivered;
}
