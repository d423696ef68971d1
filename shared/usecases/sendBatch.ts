import type { SendBatchMessage } from "../queue/messages";
import { abandonedSendMs } from "../domain/recoveryTimes";
import type { SendBatchDocument } from "../domain/sendBatch";
import { nextSendTime } from "../domain/sendingWindow";
import { isAppError } from "../errors";
import type { SendBatches } from "../ports/sendBatches";
import { handOver, recordOutcomes } from "./steps/callProvider";
import { completeOrderIfDone } from "./steps/completeOrderIfDone";
import { pauseThrottled, takeTokensFor } from "./steps/paceSends";
import { sendQueueFor, type SendDeps } from "./steps/sendEach";

interface SendBatchDeps extends SendDeps {
  sendBatches: SendBatches;
}

/** Puts the batch back to Pending and its message on the queue for `at` (moved into the sending window). */
async function putBack(deps: SendBatchDeps, batch: SendBatchDocument, at: Date): Promise<void> {
  const when = nextSendTime(at, batch.sendingTimePolicy, deps.sendingWindow);
  const attempts = batch.attempts + 1;
  await deps.sendBatches.update(batch, {
    status: "Pending",
    statusChangedAt: deps.clock.now().toISOString(),
    sendAfter: when.toISOString(),
    attempts,
  });
  await deps.publisher.publish(await sendQueueFor(deps, batch.orderId, batch.channel), [
    {
      messageId: `batch:${batch.id}:${attempts}`,
      body: { orderId: batch.orderId, batchId: batch.id, attempt: attempts },
      scheduledEnqueueTime: when,
      correlationId: batch.orderId,
    },
  ]);
}

/**
 * Queue job: sends one batch of an order's notifications. The batch is claimed once (Pending → Sending
 * under its ETag), so a duplicate message sends nothing; its New notifications go to the provider, and their
 * results and references are written in bulk. A batch whose worker died is taken again after
 * `abandonedSendMs` (the sweeper publishes it): what was already recorded is skipped, an email handed over
 * but not recorded is named by the same ACS operation id, an SMS is the documented window. Only sends with a
 * token of their provider's bucket go out (SendPacer); the rest wait in the batch, which comes back when
 * the bucket has tokens again. A transient provider failure puts the batch back after Retry-After, inside
 * the sending window; a 429 also pauses the whole bucket.
 */
export async function sendBatch(deps: SendBatchDeps, message: SendBatchMessage): Promise<void> {
  const batch = await deps.sendBatches.get(message.orderId, message.batchId);
  const now = deps.clock.now();
  if (!batch || batch.status === "Done") return;
  // Still being sent by a live worker; from `abandonedSendMs` on it counts as abandoned, as for single sends.
  if (batch.status === "Sending" && now.getTime() - Date.parse(batch.statusChangedAt) < abandonedSendMs)
    return;
  if (nextSendTime(now, batch.sendingTimePolicy, deps.sendingWindow).getTime() > now.getTime()) {
    await putBack(deps, batch, now);
    return;
  }
  const notifications = await deps.notifications.getMany(batch.orderId, batch.notificationIds);
  const due = notifications.filter((n) => n.status === "New" && Date.parse(n.expiry) > now.getTime());
  // Tokens before the claim: a batch that gets none waits for them unclaimed (one write, not two). Batches
  // are bulk sends: they leave the bucket's reserve to single sends.
  const paced = await takeTokensFor(deps, due, "bulk", now);
  if (due.length > 0 && paced.ready.length === 0) {
    try {
      await putBack(deps, batch, paced.retryAt ?? now);
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error; // another message took the batch meanwhile
    }
    return;
  }
  let claimed: SendBatchDocument;
  try {
    claimed = await deps.sendBatches.update(batch, { status: "Sending", statusChangedAt: now.toISOString() });
  } catch (error) {
    if (isAppError(error, "conflict")) return;
    throw error;
  }

  const results = await handOver(deps, paced.ready);
  await recordOutcomes(deps, results);

  const retries = results.flatMap((r) => ("retryAfterMs" in r ? [r] : []));
  await pauseThrottled(deps, results);
  if (retries.length > 0 || paced.waiting.length > 0) {
    const retryAfterMs = Math.max(0, ...retries.map((r) => r.retryAfterMs));
    const providerRetry = deps.clock.now().getTime() + retryAfterMs;
    // What got no token comes back when the bucket has tokens for it (a 429 pause may say later).
    const at = Math.max(providerRetry, paced.waiting.length > 0 ? (paced.retryAt?.getTime() ?? 0) : 0);
    await putBack(deps, claimed, new Date(at));
  } else {
    await deps.sendBatches.update(claimed, {
      status: "Done",
      statusChangedAt: deps.clock.now().toISOString(),
    });
  }
  // A refusal is final at once; an accepted send waits for its report, which checks completion.
  if (results.some((r) => "outcome" in r && r.outcome.kind === "failed"))
    await completeOrderIfDone(deps, claimed.orderId);
}
