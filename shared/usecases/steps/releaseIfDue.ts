import type { NewOrder, OrderDocument } from "../../domain/order";
import { claimAndPublish, type ReleaseDeps } from "./claimAndPublish";
import { releaseGatheringFor } from "./releaseGathering";

/**
 * Releases just-registered orders whose send time has come, through the same ETag claim as the sweeper,
 * so an order due at intake is processed at once and still never twice. Orders that concurrent requests
 * release share messages (`ReleaseGathering`).
 */
async function releaseIfDue(deps: ReleaseDeps, drafts: NewOrder[]): Promise<void> {
  const now = deps.clock.now().getTime();
  const due: OrderDocument[] = [];
  // Only orders due by their requested time are read back; the rest wait for the sweeper.
  for (const { id } of drafts.filter((d) => Date.parse(d.requestedSendTime) <= now)) {
    const order = await deps.orders.getOrder(id);
    if (order && order.status === "Registered" && Date.parse(order.requestedSendTime) <= now) due.push(order);
  }
  if (due.length === 0) return;
  const gathering = releaseGatheringFor(deps.publisher);
  await claimAndPublish(deps, due, (claimed) => gathering.publish(claimed));
}

/**
 * After intake: orders due already are released at once. A failure leaves them to the sweeper, never loses
 * them, so it is only told (`warn`), not raised: the request that registered them has succeeded.
 */
export async function releaseSoon(
  deps: ReleaseDeps,
  orders: NewOrder[],
  warn: (message: string) => void,
): Promise<void> {
  try {
    await releaseIfDue(deps, orders);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warn(`immediate release failed; the sweeper will pick the orders up: ${reason}`);
  }
}
