import { heldNotification } from "../../domain/heldOrders";
import type { NotificationDocument } from "../../domain/notification";
import type { OrderDocument } from "../../domain/order";
import { isPendingNotification } from "../../domain/statuses";
import { isAppError } from "../../errors";
import { completeOrder, type TransitionDeps } from "./transitionOrder";

/**
 * The notifications that decide whether the order is done: a processed order's listed ones (point reads), or
 * the one holding a Registered order's status (domain/heldOrders.ts); none to decide by otherwise.
 */
async function decidingNotifications(
  deps: TransitionDeps,
  order: OrderDocument,
): Promise<NotificationDocument[] | undefined> {
  // A large order is completed by the sweeper, which looks at it every minute while reports arrive:
  // checking its whole partition after every report would cost as much as the order.
  if (order.status === "Processed")
    return order.notificationIds && deps.notifications.getMany(order.id, order.notificationIds);
  if (order.status !== "Registered") return undefined;
  const holder = heldNotification(order, await deps.notifications.listByOrder(order.id));
  return holder ? [holder] : undefined;
}

/**
 * Completes a processed order once none of its notifications waits for a final status. Called after every
 * final notification update and after processing; the ETag on the transition makes it happen exactly once
 * however many callers race here.
 */
export async function completeOrderIfDone(deps: TransitionDeps, orderId: string): Promise<void> {
  let recorded = false;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const order = await deps.orders.getOrder(orderId);
    if (!order) return;
    const notifications = await decidingNotifications(deps, order);
    if (!notifications || notifications.some(isPendingNotification)) return;
    const changes = { leaseUntil: undefined };
    try {
      await (recorded
        ? completeOrder(deps, order, changes, "always")
        : completeOrder(deps, order, changes, "ifFirst"));
      return;
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
      // Only the order's replace raises a conflict, after this call recorded the feed entry: another change to
      // the order (the sweeper's) came between, and this call still completes it, as the entry promises.
      recorded = true;
    }
  }
}
