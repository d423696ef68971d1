import { expiryGraceSeconds } from "../domain/expiry";
import { isAppError } from "../errors";
import type { UnreadableDocument } from "../ports/sweepPage";
import { completeOrderIfDone } from "./steps/completeOrderIfDone";
import type { TransitionDeps } from "./steps/transitionOrder";

interface TerminateOptions {
  batchSize: number;
  maxBatches: number;
}

/**
 * Timer job: every notification still without a final status after expiry + grace becomes Failed_TTL,
 * whatever state it is stuck in (New and Sending included, which Altinn leaves hanging), and its order is
 * completed when that was the last one.
 */
export async function terminateExpired(
  deps: TransitionDeps,
  options: TerminateOptions = { batchSize: 100, maxBatches: 50 },
): Promise<{ terminated: number; quarantined: UnreadableDocument[] }> {
  let terminated = 0;
  const quarantined: UnreadableDocument[] = [];
  for (let batch = 0; batch < options.maxBatches; batch += 1) {
    const now = deps.clock.now();
    const expired = await deps.notifications.findExpired(
      new Date(now.getTime() - expiryGraceSeconds * 1000),
      options.batchSize,
    );
    for (const unreadable of expired.unreadable) {
      await deps.notifications.quarantine(unreadable.partitionKey, unreadable.id, unreadable.problem, now);
      quarantined.push(unreadable);
    }
    // Each order with one of its notifications that ended, to name to the completion check.
    const orders = new Map<string, string>();
    for (const notification of expired.documents) {
      try {
        await deps.notifications.update(notification, {
          status: "Failed_TTL",
          statusChangedAt: now.toISOString(),
        });
        terminated += 1;
        orders.set(notification.orderId, notification.id);
      } catch (error) {
        if (!isAppError(error, "conflict")) throw error;
      }
    }
    for (const [orderId, finished] of orders) await completeOrderIfDone(deps, orderId, finished);
    if (expired.documents.length + expired.unreadable.length < options.batchSize) break;
  }
  return { terminated, quarantined };
}
