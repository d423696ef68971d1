import { randomUUID } from "node:crypto";
import { newWebhookSecret } from "../domain/webhookSignature";
import type { WebhookSubscription, WebhookSubscriptionRequest } from "../domain/webhooks";
import { AppError } from "../errors";
import type { Clock } from "../ports/clock";
import type { FeedAudience } from "../ports/feedAudience";
import type { StatusFeed } from "../ports/statusFeed";
import type { WebhookPoster, WebhookStore } from "../ports/webhooks";
import { webhooksOf } from "./steps/tenantScope";

/** Subscriptions an organisation may hold: enough for a few systems and environments, bounded dispatch work. */
const maxSubscriptionsPerTenant = 10;

interface RegisterWebhookDeps {
  webhooks: WebhookStore;
  webhookPoster: WebhookPoster;
  statusFeed: StatusFeed;
  feedAudience: FeedAudience;
  clock: Clock;
}

/**
 * Registers a subscription with a new signing secret. Its URL must pass the outbound guard now (and passes it
 * again on every delivery); it receives the status changes that come after it, not the feed's history (which
 * `GET future/shipment/feed` serves).
 */
export async function registerWebhookSubscription(
  deps: RegisterWebhookDeps,
  tenant: string,
  request: WebhookSubscriptionRequest,
): Promise<WebhookSubscription> {
  const decision = await deps.webhookPoster.check(request.url);
  if (!decision.allowed) {
    throw new AppError("validation", "The URL cannot receive webhooks.", {
      errors: { url: [`The URL is refused: ${decision.reason}.`] },
    });
  }
  const existing = await webhooksOf(deps.webhooks, tenant).listSubscriptions();
  if (existing.length >= maxSubscriptionsPerTenant) {
    throw new AppError(
      "conflict",
      `An organisation can hold at most ${maxSubscriptionsPerTenant} subscriptions.`,
    );
  }
  const [latest] = await deps.statusFeed.read({ creator: tenant, after: 0, pageSize: 1, order: "Desc" });
  const now = deps.clock.now().toISOString();
  const created = await deps.webhooks.createSubscription({
    id: randomUUID(),
    pk: tenant,
    docType: "subscription",
    tenant,
    url: request.url,
    events: request.events,
    ...(request.description === undefined ? {} : { description: request.description }),
    paused: false,
    secrets: [{ secret: newWebhookSecret() }],
    feedCursor: latest?.sequenceNumber ?? 0,
    created: now,
    updated: now,
  });
  deps.feedAudience.subscriptionsChanged(tenant);
  return created;
}
