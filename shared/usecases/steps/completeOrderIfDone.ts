import { heldNotification } from "../../domain/heldOrders";
import type { NotificationDocument } from "../../domain/notification";
import type { OrderDocument } from "../../domain/order";
import { isPendingNotification } from "../../domain/statuses";
import { isAppError } from "../../errors";
import { completeOrder, recordHeldCompletion, type TransitionDeps } from "./transitionOrder";

/**
 * The notifications that decide whether the order is done, with the order as it is to be completed: a
 * processed order's listed ones (point reads), or the one holding a Registered order's status
 * (domain/heldOrders.ts), read by id when the caller names it (and listed by the order its feed entry is drafted
 * from, which reads it by id). Undefined when there is nothing to decide by.
 */
async function decidingNotifications(
  deps: TransitionDeps,
  order: OrderDocument,
  finished: string | undefined,
): Promise<{ order: OrderDocument; notifications: NotificationDocument[] } | undefined> {
  // A large order is completed by the sweeper, which looks at it every minute while reports arrive:
  // checking its whole partition after every report would cost as much as the order.
  if (order.status === "Processed")
    return order.notificationIds
      ? { order, notifications: await deps.notifications.getMany(order.id, order.notificationIds) }
      : undefined;
  if (order.status !== "Registered") return undefined;
  const candidates = finished
    ? await deps.notifications.getMany(order.id, [finished])
    : await deps.notifications.listByOrder(order.id);
  const holder = heldNotification(order, candidates);
  return holder && { order: { ...order, notificationIds: [holder.id] }, notifications: [holder] };
}

/**
 * Completes a processed order once none of its notifications waits for a final status; one its notification
 * holds is completed by its feed entry alone (`recordHeldCompletion`). Called after every
 * final notification update (naming the notification, `finished`, where the caller knows it) and after
 * processing; the ETag on the transition makes it happen exactly once however many callers race here.
 */
export async function completeOrderIfDone(
  deps: TransitionDeps,
  orderId: string,
  finished?: string,
): Promise<void> {
  let recorded = false;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stored = await deps.orders.getOrder(orderId);
    const decided = stored && (await decidingNotifications(deps, stored, finished));
    if (!decided || decided.notifications.some(isPendingNotification)) return;
    if (decided.order.status === "Registered") return recordHeldCompletion(deps, decided.order);
    const changes = { leaseUntil: undefined };
    try {
      await (recorded
        ? completeOrder(deps, decided.order, changes, "always")
        : completeOrder(deps, decided.order, changes, "ifFirst"));
      return;
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
      // Only the order's replace raises a conflict, after this call recorded the feed entry: another change to
      // the order (the sweeper's) came between, and this call still completes it, as the entry promises.
      recorded = true;
    }
  }
}
