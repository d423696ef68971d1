import { isPendingNotification } from "../domain/statuses";
import { isAppError } from "../errors";
import { completeOrder, type TransitionDeps } from "./transitionOrder";

/**
 * Completes a processed order once none of its notifications waits for a final status. Called after every
 * final notification update and after processing; the ETag on the transition makes it happen exactly once
 * however many callers race here.
 */
export async function completeOrderIfDone(deps: TransitionDeps, orderId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const order = await deps.orders.getOrder(orderId);
    if (!order || order.status !== "Processed") return;
    const pending = order.notificationIds
      ? (await deps.notifications.getMany(orderId, order.notificationIds)).some(isPendingNotification)
      : await deps.notifications.hasPending(orderId);
    if (pending) return;
    try {
      await completeOrder(deps, order, { leaseUntil: undefined }, "ifFirst");
      return;
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
    }
  }
}
