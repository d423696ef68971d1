import type { WebhookSubscription } from "../domain/webhooks";
import type { Clock } from "../ports/clock";
import type { WebhookStore } from "../ports/webhooks";
import { requireSubscription, webhooksOf } from "./steps/tenantScope";

/**
 * Pauses or resumes deliveries. A paused subscription keeps its place in the feed: on resume it receives every
 * status change since, in order (nothing is dropped while paused).
 */
export async function pauseWebhookSubscription(
  deps: { webhooks: WebhookStore; clock: Clock },
  tenant: string,
  id: string,
  paused: boolean,
): Promise<WebhookSubscription> {
  const subscription = await requireSubscription(webhooksOf(deps.webhooks, tenant), id);
  if (subscription.paused === paused) return subscription;
  return deps.webhooks.updateSubscription(subscription, { paused, updated: deps.clock.now().toISOString() });
}
