import type { WebhookSubscription } from "../domain/webhooks";
import { AppError } from "../errors";
import type { WebhookStore } from "../ports/webhooks";

/** The tenant's subscription, or AppError "not-found" (another tenant's subscription is not found either). */
export async function getTenantWebhookSubscription(
  deps: { webhooks: WebhookStore },
  tenant: string,
  id: string,
): Promise<WebhookSubscription> {
  const subscription = await deps.webhooks.getSubscription(tenant, id);
  if (!subscription || subscription.tenant !== tenant)
    throw new AppError("not-found", "Subscription not found.");
  return subscription;
}
