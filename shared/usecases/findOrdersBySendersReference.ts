import type { OrderDocument } from "../domain/order";
import type { OrderStore } from "../ports/orderStore";
import { ordersOf } from "./steps/tenantScope";

/** `GET orders?sendersReference=…`: the caller's orders under that reference (none of another organisation's). */
export function findOrdersBySendersReference(
  deps: { orders: OrderStore },
  tenant: string,
  sendersReference: string,
): Promise<OrderDocument[]> {
  return ordersOf(deps.orders, tenant).findBySendersReference(sendersReference);
}
