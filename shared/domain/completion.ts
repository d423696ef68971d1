import type { OrderDocument } from "./order";

/** Orders with at most this many notifications list their ids, so completion checks are point reads. */
export const maxListedNotifications = 100;

/**
 * An order with more recipients than an order lists notifications (each recipient gives at least one
 * notification unless addresses repeat) is completed by the sweeper, which looks at it every minute while its
 * reports arrive: checking it after every report would read the order once per notification.
 */
export function isCompletedBySweeper(order: Pick<OrderDocument, "recipientCount" | "recipients">): boolean {
  return (order.recipientCount ?? order.recipients.length) > maxListedNotifications;
}
