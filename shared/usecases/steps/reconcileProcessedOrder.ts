import { expiryGraceSeconds } from "../../domain/expiry";
import { laneOf, sendQueueOf } from "../../domain/lanes";
import type { NotificationDocument } from "../../domain/notification";
import type { OrderDocument } from "../../domain/order";
import { abandonedSendMs, lostSendGraceMs } from "../../domain/recoveryTimes";
import type { SendBatchDocument } from "../../domain/sendBatch";
import type { Publisher } from "../../ports/publisher";
import type { SendBatches } from "../../ports/sendBatches";
import type { UnreadableDocument } from "../../ports/sweepPage";
import { isAbandonedSend } from "./sendEach";
import { confirmFeed, transitionOrder, type TransitionDeps } from "./transitionOrder";

interface ReconcileDeps extends TransitionDeps {
  publisher: Publisher;
  sendBatches: SendBatches;
}

interface ReconcileSummary {
  resent: number;
  completed: number;
  quarantined: Array<UnreadableDocument & { kind: "order" | "notification" | "sendBatch" }>;
}

/**
 * How often a large order (one that does not list its notification ids) is checked for completion while its
 * reports arrive: the report path does not check it, since that would read its whole partition every time.
 */
const largeOrderCheckMs = 60_000;

const later = (a: number, b: number) => Math.max(a, b);

function isOverdueBatch(batch: SendBatchDocument, now: number): boolean {
  return batch.status === "Pending"
    ? Date.parse(batch.sendAfter) + lostSendGraceMs <= now
    : Date.parse(batch.statusChangedAt) + abandonedSendMs <= now;
}

/** When the sweeper must look at the order again, from what its pending sends wait for. */
function nextSweep(
  order: OrderDocument,
  pending: NotificationDocument[],
  batches: SendBatchDocument[],
  now: number,
  pageFull: boolean,
): string | undefined {
  if (pageFull) return new Date(now + lostSendGraceMs).toISOString();
  const dues = batches.map((b) =>
    b.status === "Pending"
      ? later(Date.parse(b.sendAfter), now) + lostSendGraceMs
      : later(Date.parse(b.statusChangedAt), now) + abandonedSendMs,
  );
  for (const n of pending) {
    if (n.status === "New" && n.batchId) continue; // its batch says when
    dues.push(
      n.status === "New"
        ? later(Date.parse(n.sendAfter), now) + lostSendGraceMs
        : n.status === "Sending"
          ? later(Date.parse(n.statusChangedAt), now) + abandonedSendMs
          : order.notificationIds
            ? Date.parse(n.expiry) + expiryGraceSeconds * 1000 // its report or the terminate job completes it
            : now + largeOrderCheckMs,
    );
  }
  // Never now or earlier (an expiry the terminate job has not reached yet): this run must not find it again.
  const next = later(Math.min(...dues), now + largeOrderCheckMs);
  return Number.isFinite(next) ? new Date(next).toISOString() : undefined;
}

async function republish(
  deps: ReconcileDeps,
  order: OrderDocument,
  singles: NotificationDocument[],
  batches: SendBatchDocument[],
  at: string,
): Promise<void> {
  for (const channel of ["email", "sms"] as const) {
    const messages = [
      ...singles
        .filter((n) => n.channel === channel)
        .map((n) => ({
          messageId: `send:${n.id}:sweep:${at}`,
          body: { orderId: n.orderId, notificationId: n.id },
          correlationId: n.orderId,
          // The sweeper's re-drive continues the order's trace.
          orderTrace: { traceparent: order.traceparent },
        })),
      ...batches
        .filter((b) => b.channel === channel)
        .map((b) => ({
          messageId: `batch:${b.id}:sweep:${at}`,
          body: { orderId: b.orderId, batchId: b.id, attempt: b.attempts },
          correlationId: b.orderId,
          orderTrace: { traceparent: order.traceparent },
        })),
    ];
    if (messages.length > 0) await deps.publisher.publish(sendQueueOf(laneOf(order), channel), messages);
  }
}

/**
 * Sweeper step for a processed order: sends and batches whose message was lost or whose worker died are
 * published again, and the order is completed when none of its notifications is pending any more (its
 * completion check was lost, or it is a large order, which only the sweeper completes).
 */
export async function reconcileProcessedOrder(
  deps: ReconcileDeps,
  order: OrderDocument,
  limit: number,
  summary: ReconcileSummary,
): Promise<void> {
  const now = deps.clock.now();
  const page = await deps.notifications.listPending(order.id, limit);
  for (const unreadable of page.unreadable) {
    await deps.notifications.quarantine(order.id, unreadable.id, unreadable.problem, now);
    summary.quarantined.push({ ...unreadable, kind: "notification" });
  }
  const pageFull = page.documents.length + page.unreadable.length >= limit;
  // Quarantined notifications no longer count as pending: an order is not held open by one it cannot read.
  if (page.documents.length === 0 && !pageFull) {
    await transitionOrder(deps, order, "Completed", { leaseUntil: undefined, sweepAt: undefined });
    summary.completed += 1;
    return;
  }
  const batches = await deps.sendBatches.listOpen(order.id, limit);
  for (const unreadable of batches.unreadable) {
    await deps.sendBatches.quarantine(order.id, unreadable.id, unreadable.problem, now);
    summary.quarantined.push({ ...unreadable, kind: "sendBatch" });
  }
  const singles = page.documents.filter(
    (n) =>
      !n.batchId &&
      ((n.status === "New" && Date.parse(n.sendAfter) + lostSendGraceMs <= now.getTime()) ||
        isAbandonedSend(n, now)),
  );
  const overdueBatches = batches.documents.filter((b) => isOverdueBatch(b, now.getTime()));
  await republish(deps, order, singles, overdueBatches, now.toISOString());
  summary.resent += singles.length + overdueBatches.reduce((sum, b) => sum + b.notificationIds.length, 0);
  await confirmFeed(
    deps,
    order,
    nextSweep(order, page.documents, batches.documents, now.getTime(), pageFull),
  );
}
