import type { NotificationDocument } from "./notification";
import { isDue, type OrderDocument } from "./order";
import { isPendingNotification } from "./statuses";

/**
 * A small order released without a claim whose one notification its processing step sent is written no more:
 * that notification, marked `holdsOrderStatus` when it is created, carries the order's progress, and the
 * order's completion is its feed entry. The order stays Registered in the store, and reads Processed from its
 * notification's creation and Completed from its final status. One still waiting for its report a lease after
 * its release is written Processed by the sweeper, which then watches it as any other processed order
 * (sweepOrders).
 */
export function heldNotification<N extends Pick<NotificationDocument, "holdsOrderStatus">>(
  order: { status: string },
  notifications: readonly N[],
): N | undefined {
  return order.status === "Registered" ? notifications.find((n) => n.holdsOrderStatus === true) : undefined;
}

/**
 * The order as its readers see it while a notification holds its status: Processed from the notification's
 * creation, Completed from its final status.
 */
export function withHeldStatus<O extends OrderDocument>(
  order: O,
  notifications: readonly NotificationDocument[],
): O {
  const holder = heldNotification(order, notifications);
  if (!holder) return order;
  const status = heldOrderStatus(holder);
  return {
    ...order,
    status,
    statusChangedAt: status === "Completed" ? holder.statusChangedAt : holder.created,
  };
}

/** The status of an order its notification holds: Processed while the notification is pending, then Completed. */
export function heldOrderStatus(
  holder: Parameters<typeof isPendingNotification>[0],
): "Processed" | "Completed" {
  return isPendingNotification(holder) ? "Processed" : "Completed";
}

/** Whether a notification may hold the order's status: only a due Registered order's can (a cheap test before a read). */
export function mayBeHeld(order: OrderDocument, now: Date): boolean {
  return order.status === "Registered" && isDue(order, now);
}

/** Whether the send went out (or ended) from the step that created it claimed: neither New nor Sending any more. */
export function wasSent(notification: NotificationDocument): boolean {
  return notification.status !== "New" && notification.status !== "Sending";
}
