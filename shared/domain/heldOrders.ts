import type { NotificationDocument } from "./notification";
import { isDue, type OrderDocument } from "./order";

/**
 * A small order released without a claim whose one notification its processing step sent is not written
 * Processed: that notification, marked `holdsOrderStatus` when it is created, stands for the step. The order
 * stays Registered in the store until it is completed, and reads Processed from its notification's creation.
 * One still waiting for its report a lease after its release is written Processed by the sweeper, which then
 * watches it as any other processed order (sweepOrders).
 */
export function heldNotification<N extends Pick<NotificationDocument, "holdsOrderStatus">>(
  order: { status: string },
  notifications: readonly N[],
): N | undefined {
  return order.status === "Registered" ? notifications.find((n) => n.holdsOrderStatus === true) : undefined;
}

/** The order as its readers see it: Processed while a notification holds its status. */
export function withHeldStatus<O extends OrderDocument>(
  order: O,
  notifications: readonly NotificationDocument[],
): O {
  const holder = heldNotification(order, notifications);
  return holder ? { ...order, status: "Processed", statusChangedAt: holder.created } : order;
}

/** Whether a notification may hold the order's status: only a due Registered order's can (a cheap test before a read). */
export function mayBeHeld(order: OrderDocument, now: Date): boolean {
  return order.status === "Registered" && isDue(order, now);
}

/** Whether the send went out (or ended) from the step that created it claimed: neither New nor Sending any more. */
export function wasSent(notification: NotificationDocument): boolean {
  return notification.status !== "New" && notification.status !== "Sending";
}
