import { withHeldStatus } from "../domain/heldOrders";
import type { NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import { ordersOf } from "./steps/tenantScope";
import type { OrderStatus } from "./viewOrderStatus";

/**
 * `GET future/shipment/{id}`: one of the caller's orders (a chain's notification or reminder, an instant
 * order) with its notifications. Undefined when there is none the caller can see, which Altinn answers with
 * its own problem (NOT-00003) rather than the plain not-found of the other reads.
 */
export async function viewShipment(
  deps: { orders: OrderStore; notifications: NotificationStore },
  tenant: string,
  shipmentId: string,
): Promise<OrderStatus | undefined> {
  const order = await ordersOf(deps.orders, tenant).getOrder(shipmentId);
  if (!order) return undefined;
  const notifications = await deps.notifications.listByOrder(order.id);
  return { order: withHeldStatus(order, notifications), notifications };
}
