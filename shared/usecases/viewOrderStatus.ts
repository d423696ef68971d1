import { withHeldStatus } from "../domain/heldOrders";
import type { NotificationDocument } from "../domain/notification";
import type { OrderDocument } from "../domain/order";
import type { NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import { ordersOf, requireOrder } from "./steps/tenantScope";

export interface OrderStatus {
  order: OrderDocument;
  notifications: NotificationDocument[];
}

/**
 * One of the caller's orders with its notifications (the v1 status and notification summaries); another
 * organisation's order is not found.
 */
export async function viewOrderStatus(
  deps: { orders: OrderStore; notifications: NotificationStore },
  tenant: string,
  orderId: string,
): Promise<OrderStatus> {
  const order = await requireOrder(ordersOf(deps.orders, tenant), orderId);
  const notifications = await deps.notifications.listByOrder(order.id);
  return { order: withHeldStatus(order, notifications), notifications };
}
