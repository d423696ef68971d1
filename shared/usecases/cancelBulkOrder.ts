import { isAppError } from "../errors";
import type { BulkOrders } from "../ports/bulkOrders";
import { cancelOrder } from "./cancelOrder";
import { getTenantBulkOrder } from "./registerBulkOrder";
import type { TransitionDeps } from "./steps/transitionOrder";

/**
 * Cancels a bulk order. Before submission it is simply closed (its uploaded parts expire with it); after,
 * its order is cancelled as any order is: while Registered and more than 5 minutes before its send time,
 * else a conflict. Cancelling twice succeeds.
 */
export async function cancelBulkOrder(
  deps: TransitionDeps & { bulkOrders: BulkOrders },
  tenant: string,
  orderId: string,
): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const stored = await getTenantBulkOrder(deps.bulkOrders, tenant, orderId);
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
