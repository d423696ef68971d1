import { mapInParallel } from "../concurrency";
import { webhookHeaders } from "../domain/webhookSignature";
import {
  nextRetryAt,
  webhookAttemptLeaseMs,
  type WebhookDelivery,
  type WebhookSubscription,
} from "../domain/webhooks";
import { isAppError } from "../errors";
import { errorMessage } from "../narrowing";
import type { WebhookPoster } from "../ports/webhooks";
import { queueWebhookDeliveries, type QueueDeps } from "./steps/queueWebhookDeliveries";

export interface DispatchDeps extends QueueDeps {
  webhookPoster: WebhookPoster;
}

interface DispatchSummary {
  queued: number;
  delivered: number;
  retrying: number;
  failed: number;
  /** Subscriptions a run could not finish, by id (never a URL: it may carry a token in its path). */
  problems: string[];
}

/** Deliveries attempted per subscription and run. */
const attemptsPerRun = 200;
/** Subscriptions served at once; each one's deliveries go one at a time, in feed order. */
const subscriptionsAtOnce = 8;

/**
 * Timer step: for every active subscription, queues a delivery for each matching status change the feed holds
 * after the subscription's cursor (then moves the cursor), and attempts the deliveries that are due. The store
 * drives it all: a run that dies anywhere leaves the cursor or the deliveries for the next run, whose creates
 * are idempotent (deterministic ids) and whose attempts are claimed under the delivery's ETag.
 */
export async function dispatchWebhooks(deps: DispatchDeps): Promise<DispatchSummary> {
  const summary: DispatchSummary = { queued: 0, delivered: 0, retrying: 0, failed: 0, problems: [] };
  const subscriptions = await deps.webhooks.activeSubscriptions();
  await mapInParallel(subscriptions, subscriptionsAtOnce, async (subscription) => {
    try {
      const queued = await queueWebhookDeliveries(deps, subscription);
      summary.queued += queued.queued;
      await attemptDue(deps, queued.subscription, summary);
    } catch (error) {
      summary.problems.push(`subscription ${subscription.id}: ${errorMessage(error)}`);
    }
  });
  return summary;
}

/**
 * The subscription's due deliveries, one at a time in feed order. After a failed attempt the others due are
 * not sent to a receiver that has just failed: each is recorded as a failed attempt of its own and retried on
 * the same schedule, so a receiver that comes back gets everything, in order, at the next retry.
 */
async function attemptDue(deps: DispatchDeps, subscription: WebhookSubscription, summary: DispatchSummary) {
  const due = await deps.webhooks.dueDeliveries(subscription, deps.clock.now(), attemptsPerRun);
  let receiverFailure: string | undefined;
  for (const delivery of due) {
    try {
      const outcome = receiverFailure
        ? await recordFailure(
            deps,
            delivery,
            `not sent: the receiver failed just before (${receiverFailure})`,
          )
        : await attempt(deps, subscription, delivery);
      if (outcome.result === "delivered") summary.delivered += 1;
      else {
        receiverFailure ??= outcome.reason;
        if (outcome.result === "failed") summary.failed += 1;
        else summary.retrying += 1;
      }
    } catch (error) {
      // Another worker claimed it, or the store failed: the delivery stays due and the next run sees it.
      if (!isAppError(error, "conflict")) throw error;
    }
  }
}

type AttemptOutcome = { result: "delivered" } | { result: "retrying" | "failed"; reason: string };

async function attempt(
  deps: DispatchDeps,
  subscription: WebhookSubscription,
  delivery: WebhookDelivery,
): Promise<AttemptOutcome> {
  const now = deps.clock.now();
  // The claim: a second dispatcher reading the same delivery loses this race and leaves it.
  const claimed = await deps.webhooks.updateDelivery(delivery, {
    nextAttemptAt: new Date(now.getTime() + webhookAttemptLeaseMs).toISOString(),
  });
  const body = JSON.stringify(claimed.payload);
  const result = await deps.webhookPoster.post({
    url: subscription.url,
    headers: webhookHeaders(signingSecrets(subscription, now), claimed.id, now, body),
    body,
  });
  if (result.outcome === "failed") return recordFailure(deps, claimed, result.reason);
  const at = deps.clock.now().toISOString();
  await deps.webhooks.updateDelivery(claimed, {
    status: "delivered",
    attempts: claimed.attempts + 1,
    lastAttempt: { at, outcome: `HTTP ${result.status}` },
    deliveredAt: at,
  });
  return { result: "delivered" };
}

async function recordFailure(
  deps: DispatchDeps,
  delivery: WebhookDelivery,
  reason: string,
): Promise<AttemptOutcome> {
  const now = deps.clock.now();
  const attempts = delivery.attempts + 1;
  const next = nextRetryAt(attempts, now);
  await deps.webhooks.updateDelivery(delivery, {
    attempts,
    lastAttempt: { at: now.toISOString(), outcome: reason },
    ...(next ? { nextAttemptAt: next.toISOString() } : { status: "failed" as const }),
  });
  return { result: next ? "retrying" : "failed", reason };
}

/** The current secret, and the previous one while it is still valid after a rotation. */
function signingSecrets(subscription: WebhookSubscription, now: Date): string[] {
  return subscription.secrets
    .filter((s) => s.expires === undefined || s.expires > now.toISOString())
    .map((s) => s.secret);
}
