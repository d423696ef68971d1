import type { OrderDocument } from "../domain/order";
import { AppError, isAppError } from "../errors";
import { ordersOf, requireOrder } from "./steps/tenantScope";
import { transitionOrder, type TransitionDeps } from "./steps/transitionOrder";

/** Altinn refuses a cancel this close to the send time, so a cancel never races the release. */
const cancelCutoffMs = 5 * 60_000;

type CancelOutcome = { order: OrderDocument; cancelled: boolean };

function isCancellable(order: OrderDocument, now: Date): boolean {
  return (
    order.status === "Registered" && Date.parse(order.requestedSendTime) > now.getTime() + cancelCutoffMs
  );
}

/**
 * Cancels one order (or reminder) of the tenant. Cancelling twice succeeds; an order that has started
 * processing or is due within five minutes is a conflict. The transition is ETag-guarded and retried
 * on a lost race, so a concurrent release either wins (conflict) or sees the cancellation.
 */
export async function cancelOrder(
  deps: TransitionDeps,
  tenant: string,
  orderId: string,
): Promise<CancelOutcome> {
  const orders = ordersOf(deps.orders, tenant);
  for (let attempt = 0; ; attempt += 1) {
    const order = await requireOrder(orders, orderId);
    if (order.status === "Cancelled") return { order, cancelled: false };
    const now = deps.clock.now();
    if (!isCancellable(order, now)) {
      throw new AppError(
        "conflict",
        "The order cannot be cancelled: its processing has started or its send time is less than 5 minutes away.",
      );
    }
    try {
      const updated = await transitionOrder(deps, order, "Cancelled");
      return { order: updated, cancelled: true };
    } catch (error) {
      if (!isAppError(error, "conflict") || attempt >= 2) throw error;
    }
  }
}
