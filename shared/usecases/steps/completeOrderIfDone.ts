import { isPendingNotification } from "../../domain/statuses";
import { isAppError } from "../../errors";
import { completeOrder, type TransitionDeps } from "./transitionOrder";

/**
 * Completes a processed order once none of its notifications waits for a final status. Called after every
 * final notification update and after processing; the ETag on the transition makes it happen exactly once
 * however many callers race here.
 */
export async function completeOrderIfDone(deps: TransitionDeps, orderId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const order = await deps.orders.getOrder(orderId);
    // A large order is completed by the sweeper, which looks at it every minute while reports arrive:
    // checking its whole partition after every report would cost as much as the order.
    if (!order?.notificationIds || order.status !== "Processed") return;
    const notifications = await deps.notifications.getMany(orderId, order.notificationIds);
    if (notifications.some(isPendingNotification)) return;
    try {
      await completeOrder(deps, order, { leaseUntil: undefined }, "ifFirst");
      return;
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
    }
  }
}
