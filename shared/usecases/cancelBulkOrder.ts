import { isAppError } from "../errors";
import type { BulkOrders, NotificationCounts } from "../ports/bulkOrders";
import { cancelOrder } from "./cancelOrder";
import { bulkOrdersOf, requireBulkOrder } from "./steps/tenantScope";
import type { TransitionDeps } from "./steps/transitionOrder";
import { viewBulkOrder, type BulkOrderView } from "./viewBulkOrder";

/** Closes the bulk order, or cancels its order once submitted (as `cancelOrder`, conflict once started). */
async function closeBulkOrder(
  deps: TransitionDeps & { bulkOrders: BulkOrders },
  tenant: string,
  orderId: string,
): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const stored = await requireBulkOrder(bulkOrdersOf(deps.bulkOrders, tenant), orderId);
    if (stored.state === "Cancelled") return;
    if (stored.state === "Submitted") {
      await cancelOrder(deps, tenant, orderId);
      return;
    }
    try {
      await deps.bulkOrders.update(stored, { state: "Cancelled" });
      return;
    } catch (error) {
      if (!isAppError(error, "conflict") || attempt >= 20) throw error;
    }
  }
}

/**
 * `PUT future/orders/bulk/{id}/cancel`: cancels a bulk order and answers how it stands. Before submission it is
 * simply closed (its uploaded parts expire with it); after, its order is cancelled as any order is: while
 * Registered and more than 5 minutes before its send time, else a conflict. Cancelling twice succeeds.
 */
export async function cancelBulkOrder(
  deps: TransitionDeps & { bulkOrders: BulkOrders; notificationCounts: NotificationCounts },
  tenant: string,
  orderId: string,
): Promise<BulkOrderView> {
  await closeBulkOrder(deps, tenant, orderId);
  return viewBulkOrder(deps, tenant, orderId);
}
