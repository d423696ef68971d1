import type { WebhookSubscription } from "../domain/webhooks";
import type { WebhookStore } from "../ports/webhooks";
import { webhooksOf } from "./steps/tenantScope";

/** `GET webhooks/subscriptions`: the caller's subscriptions. */
export function findWebhookSubscriptions(
  deps: { webhooks: WebhookStore },
  tenant: string,
): Promise<WebhookSubscription[]> {
  return webhooksOf(deps.webhooks, tenant).listSubscriptions();
}
