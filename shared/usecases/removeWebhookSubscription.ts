import type { WebhookSubscription } from "../domain/webhooks";
import { AppError } from "../errors";
import type { WebhookStore } from "../ports/webhooks";
import { requireSubscription, subscriptionNotFound, webhooksOf } from "./steps/tenantScope";

/**
 * `DELETE webhooks/subscriptions/{id}`: nothing more is queued or sent to it. Answers what was deleted; a
 * subscription deleted meanwhile (by a concurrent call) is not found.
 */
export async function removeWebhookSubscription(
  deps: { webhooks: WebhookStore },
  tenant: string,
  id: string,
): Promise<WebhookSubscription> {
  const subscription = await requireSubscription(webhooksOf(deps.webhooks, tenant), id);
  if (!(await deps.webhooks.deleteSubscription(tenant, subscription.id)))
    throw new AppError("not-found", subscriptionNotFound);
  return subscription;
}
