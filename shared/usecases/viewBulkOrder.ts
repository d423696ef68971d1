import type { BulkOrderDocument, NotificationProgress } from "../domain/bulkOrder";
import type { OrderDocument } from "../domain/order";
import { finalOrderStatuses } from "../domain/statuses";
import { isAppError } from "../errors";
import type { BulkOrders, NotificationCounts } from "../ports/bulkOrders";
import type { Clock } from "../ports/clock";
import type { OrderStore } from "../ports/orderStore";
import { bulkOrdersOf, requireBulkOrder } from "./steps/tenantScope";

/** Counts are taken at most this often per order, however often the view is asked for. */
const progressCountsMaxAgeMs = 30_000;

export interface BulkOrderView {
  bulk: BulkOrderDocument;
  /** The order, once submitted. */
  order?: OrderDocument;
  /** Counts of its notifications and when they were taken, once processing has begun. */
  notifications?: { at: string; counts: NotificationProgress };
}

/** Where notifications are, by their statuses (email and SMS alike); what is left is failed. */
const statusGroups = {
  new: ["New"],
  sending: ["Sending"],
  accepted: ["Succeeded", "Accepted"],
  delivered: ["Delivered"],
} as const;

async function countNotifications(
  counts: NotificationCounts,
  orderId: string,
): Promise<NotificationProgress> {
  const [total, fresh, sending, accepted, delivered] = await Promise.all([
    counts.count(orderId),
    counts.count(orderId, statusGroups.new),
    counts.count(orderId, statusGroups.sending),
    counts.count(orderId, statusGroups.accepted),
    counts.count(orderId, statusGroups.delivered),
  ]);
  const failed = Math.max(0, total - fresh - sending - accepted - delivered);
  return { total, new: fresh, sending, accepted, delivered, failed };
}

/** Counts taken after the order became final never change; others are fresh enough for a while. */
function stillCurrent(bulk: BulkOrderDocument, order: OrderDocument, now: Date): boolean {
  const progress = bulk.progress;
  if (!progress) return false;
  const at = Date.parse(progress.at);
  if (finalOrderStatuses.has(order.status)) return at >= Date.parse(order.statusChangedAt);
  return now.getTime() - at < progressCountsMaxAgeMs;
}

/**
 * The progress of a bulk order: its parts, and once submitted its order (status and fan-out checkpoint) and
 * counts of its notifications by where they are. The counts are index-served counts in the order's partition
 * (no notification is read), taken at most every 30 s and kept on the bulk order, so a client polling every
 * second costs one set of counts per 30 s.
 */
export async function viewBulkOrder(
  deps: { bulkOrders: BulkOrders; orders: OrderStore; notificationCounts: NotificationCounts; clock: Clock },
  tenant: string,
  orderId: string,
): Promise<BulkOrderView> {
  const bulk = await requireBulkOrder(bulkOrdersOf(deps.bulkOrders, tenant), orderId);
  if (bulk.state !== "Submitted") return { bulk };
  const order = await deps.orders.getOrder(orderId);
  if (!order) return { bulk };
  if (order.status === "Registered" || (order.status === "Cancelled" && order.fanout === undefined))
    return { bulk, order };
  const now = deps.clock.now();
  if (stillCurrent(bulk, order, now) && bulk.progress) return { bulk, order, notifications: bulk.progress };
  const progress = {
    at: now.toISOString(),
    counts: await countNotifications(deps.notificationCounts, orderId),
  };
  try {
    await deps.bulkOrders.update(bulk, { progress });
  } catch (error) {
    // Another reader kept its counts meanwhile; these are as good.
    if (!isAppError(error, "conflict")) throw error;
  }
  return { bulk, order, notifications: progress };
}
