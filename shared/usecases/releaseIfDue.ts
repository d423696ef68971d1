import type { NewOrder, OrderDocument } from "../domain/order";
import { claimAndPublish, type ReleaseDeps } from "./steps/claimAndPublish";

/**
 * Releases just-registered orders whose send time has come, through the same ETag claim as the sweeper,
 * so an order due at intake is processed at once and still never twice.
 */
export async function releaseIfDue(deps: ReleaseDeps, drafts: NewOrder[]): Promise<void> {
  const now = deps.clock.now().getTime();
  const due: OrderDocument[] = [];
  // Only orders due by their requested time are read back; the rest wait for the sweeper.
  for (const { id } of drafts.filter((d) => Date.parse(d.requestedSendTime) <= now)) {
    const order = await deps.orders.getOrder(id);
    if (order && order.status === "Registered" && Date.parse(order.requestedSendTime) <= now) due.push(order);
  }
  if (due.length > 0) await claimAndPublish(deps, due);
}
