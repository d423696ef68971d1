import type { OrderDocument } from "../domain/order";
import type { OrderStore } from "../ports/orderStore";
import { ordersOf, requireOrder } from "./steps/tenantScope";

/** One of the caller's orders (`GET orders/{id}`); another organisation's order is not found. */
export function viewOrder(
  deps: { orders: OrderStore },
  tenant: string,
  orderId: string,
): Promise<OrderDocument> {
  return requireOrder(ordersOf(deps.orders, tenant), orderId);
}
