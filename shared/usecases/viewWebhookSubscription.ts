import type { WebhookSubscription } from "../domain/webhooks";
import type { WebhookStore } from "../ports/webhooks";
import { requireSubscription, webhooksOf } from "./steps/tenantScope";

/** `GET webhooks/subscriptions/{id}`: one of the caller's subscriptions; another organisation's is not found. */
export function viewWebhookSubscription(
  deps: { webhooks: WebhookStore },
  tenant: string,
  id: string,
): Promise<WebhookSubscription> {
  return requireSubscription(webhooksOf(deps.webhooks, tenant), id);
}
