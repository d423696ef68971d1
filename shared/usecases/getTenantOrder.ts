import type { OrderDocument } from "../domain/order";
import { AppError } from "../errors";
import type { OrderStore } from "../ports/orderStore";

/** Reads an order of the caller's tenant; another tenant's order is indistinguishable from a missing one. */
export async function getTenantOrder(
  orders: OrderStore,
  tenant: string,
  orderId: string,
): Promise<OrderDocument> {
  const order = await orders.getOrder(orderId);
  if (!order || order.creator !== tenant) throw new AppError("not-found", "Order not found.");
  return order;
}
