import type { OrderDocument } from "../domain/order";
import { AppError, isAppError } from "../errors";
import { cancelOrder } from "./cancelOrder";
import { mainOrderIdOf } from "./registerOrderChain";
import type { TransitionDeps } from "./steps/transitionOrder";

export interface ChainCancellation {
  notificationOrderId: string;
  shipments: Array<{ shipment: OrderDocument; cancelled: boolean }>;
}

/**
 * Cancels every order of a `future/` chain that has not started: the main notification and each reminder
 * still Registered more than five minutes before its send time. Orders already under way are left as they
 * are and reported with their status. Nothing cancellable at all is a conflict.
 */
export async function cancelChain(
  deps: TransitionDeps,
  tenant: string,
  chainId: string,
): Promise<ChainCancellation> {
  const main = await deps.orders.getOrder(mainOrderIdOf(chainId));
  if (!main?.chain || main.creator !== tenant) throw new AppError("not-found", "Order chain not found.");
  const shipments: ChainCancellation["shipments"] = [];
  for (const orderId of main.chain.orderIds) {
    try {
      const outcome = await cancelOrder(deps, tenant, orderId);
      shipments.push({
        shipment: outcome.order,
        cancelled: outcome.cancelled || outcome.order.status === "Cancelled",
      });
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
      const order = await deps.orders.getOrder(orderId);
      if (order) shipments.push({ shipment: order, cancelled: false });
    }
  }
  if (!shipments.some((s) => s.cancelled)) {
    throw new AppError(
      "conflict",
      "No order of the chain can be cancelled: their processing has started or is less than 5 minutes away.",
    );
  }
  return { notificationOrderId: chainId, shipments };
}
