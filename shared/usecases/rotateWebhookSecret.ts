import { newWebhookSecret } from "../domain/webhookSignature";
import { previousSecretValidityMs, type WebhookSubscription } from "../domain/webhooks";
import type { Clock } from "../ports/clock";
import type { WebhookStore } from "../ports/webhooks";
import { requireSubscription, webhooksOf } from "./steps/tenantScope";

/**
 * Gives the subscription a new secret. The previous one keeps signing beside it for 24 hours (the
 * `webhook-signature` header lists both), so a receiver can switch without rejecting a delivery; older
 * secrets are dropped. A concurrent change surfaces as AppError "conflict" (409) to retry.
 */
export async function rotateWebhookSecret(
  deps: { webhooks: WebhookStore; clock: Clock },
  tenant: string,
  id: string,
): Promise<WebhookSubscription> {
  const subscription = await requireSubscription(webhooksOf(deps.webhooks, tenant), id);
  const now = deps.clock.now();
  const [current] = subscription.secrets;
  const expires = new Date(now.getTime() + previousSecretValidityMs).toISOString();
  return deps.webhooks.updateSubscription(subscription, {
    secrets: [{ secret: newWebhookSecret() }, ...(current ? [{ secret: current.secret, expires }] : [])],
    updated: now.toISOString(),
  });
}
