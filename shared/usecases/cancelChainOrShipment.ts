import type { OrderDocument } from "../domain/order";
import { AppError, isAppError } from "../errors";
import { cancelOrder } from "./cancelOrder";
import type { ChainOrder, TenantOrders } from "../ports/tenantScoped";
import { readHeldStatus } from "./steps/readHeldStatus";
import { ordersOf } from "./steps/tenantScope";
import type { TransitionDeps } from "./steps/transitionOrder";

interface ChainOrShipmentCancellation {
  /** The chain's id, when the id named a chain (every shipment of it was considered). */
  notificationOrderId?: string;
  shipments: Array<{ shipment: OrderDocument; cancelled: boolean }>;
}

/**
 * Cancels every order of a `future/` chain that has not started: the main notification and each reminder
 * still Registered more than five minutes before its send time. Orders already under way are left as they
 * are and reported with their status. Nothing cancellable at all is a conflict.
 */
async function cancelChain(
  deps: TransitionDeps,
  tenant: string,
  orders: TenantOrders,
  main: ChainOrder,
  chainId: string,
): Promise<ChainOrShipmentCancellation> {
  const shipments: ChainOrShipmentCancellation["shipments"] = [];
  for (const orderId of main.chain.orderIds) {
    try {
      const outcome = await cancelOrder(deps, tenant, orderId);
      shipments.push({
        shipment: outcome.order,
        cancelled: outcome.cancelled || outcome.order.status === "Cancelled",
      });
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
      const order = await orders.getOrder(orderId);
      if (order) shipments.push({ shipment: await readHeldStatus(deps, order), cancelled: false });
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

/**
 * `PUT future/orders/{id}/cancel` (varsel extension; Altinn has no cancel for chains): the id is a chain's
 * notificationOrderId, which cancels every shipment not yet started, or one shipmentId, which cancels just that
 * notification or reminder (as `cancelOrder`: not found, or a conflict once it has started).
 */
export async function cancelChainOrShipment(
  deps: TransitionDeps,
  tenant: string,
  id: string,
): Promise<ChainOrShipmentCancellation> {
  const orders = ordersOf(deps.orders, tenant);
  const main = await orders.getChain(id);
  if (main) return cancelChain(deps, tenant, orders, main, id);
  const { order } = await cancelOrder(deps, tenant, id);
  return { shipments: [{ shipment: order, cancelled: true }] };
}
