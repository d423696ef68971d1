import type { OrderDocument } from "../domain/order";
import type { Clock } from "../ports/clock";
import type { NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import type { ChainOrder } from "../ports/tenantScoped";
import { readHeldStatus } from "./steps/readHeldStatus";
import { ordersOf, requireChain } from "./steps/tenantScope";

interface OrderChainView {
  /** The main order, with the chain's idempotency record. */
  main: ChainOrder;
  /** Its reminders that are stored, in the order of the request. */
  reminders: OrderDocument[];
}

/**
 * `GET future/orders/{id}`: the chain a `POST future/orders` created, by its notificationOrderId: the main
 * order and its reminders. Another organisation's chain is not found.
 */
export async function viewOrderChain(
  deps: { orders: OrderStore; notifications: NotificationStore; clock: Clock },
  tenant: string,
  chainId: string,
): Promise<OrderChainView> {
  const orders = ordersOf(deps.orders, tenant);
  const main = await requireChain(orders, chainId);
  const reminders = await Promise.all(main.chain.orderIds.slice(1).map((id) => orders.getOrder(id)));
  return {
    main: await readHeldStatus(deps, main),
    reminders: await Promise.all(
      reminders.filter((r): r is OrderDocument => r !== undefined).map((r) => readHeldStatus(deps, r)),
    ),
  };
}
