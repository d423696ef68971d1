import { mayBeHeld, withHeldStatus } from "../../domain/heldOrders";
import type { OrderDocument } from "../../domain/order";
import type { Clock } from "../../ports/clock";
import type { NotificationStore } from "../../ports/notificationStore";

/**
 * The order as its readers see it (domain/heldOrders.ts) where its notifications are not read anyway: they are
 * read (one partition) only for a due Registered order, the only kind a notification may hold.
 */
export async function readHeldStatus<O extends OrderDocument>(
  deps: { notifications: NotificationStore; clock: Clock },
  order: O,
): Promise<O> {
  if (!mayBeHeld(order, deps.clock.now())) return order;
  return withHeldStatus(order, await deps.notifications.listByOrder(order.id));
}
