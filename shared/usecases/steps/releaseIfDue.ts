import { isDue, type NewOrder, type OrderDocument } from "../../domain/order";
import { claimAndPublish, releaseLeaseUntil, type ReleaseDeps } from "./claimAndPublish";
import { releaseGatheringFor } from "./releaseGathering";
import { appendCreatedOutbox, createdInStatus, type TransitionDeps } from "./transitionOrder";

/**
 * Before an intake request stores its orders: those due already are stored claimed (Processing, under the
 * release lease the sweeper's claim would take), so one create does the work of a create and a claim. Should
 * the request die before `releaseSoon` publishes them, the lease runs out and the sweeper releases them.
 */
export function claimIfDue(deps: TransitionDeps, drafts: NewOrder[]): Promise<NewOrder[]> {
  const now = deps.clock.now();
  return Promise.all(
    drafts.map(async (d) => {
      if (d.status !== "Registered" || !isDue(d, now)) return d;
      const leaseUntil = releaseLeaseUntil(d, now);
      return createdInStatus(deps, d, "Processing", {
        leaseUntil,
        sweepAt: leaseUntil,
        releaseCount: d.releaseCount + 1,
      });
    }),
  );
}

/**
 * Releases just-registered orders whose send time has come: those this request stored claimed (`claimIfDue`)
 * are published as they are; any other due order (a replay's, a submitted bulk order) goes through the same
 * ETag claim as the sweeper's, so an order due at intake is processed at once and still never twice. Orders
 * that concurrent requests release share messages (`ReleaseGathering`).
 */
async function releaseIfDue(deps: ReleaseDeps, drafts: NewOrder[]): Promise<void> {
  const now = deps.clock.now();
  const due: OrderDocument[] = [];
  const claimed: OrderDocument[] = [];
  // Only orders due by their requested time are read back (for the trace context and ETag the registration
  // stored); the rest wait for the sweeper.
  for (const draft of drafts.filter((d) => isDue(d, now))) {
    const order = await deps.orders.getOrder(draft.id);
    if (order?.status === "Registered" && isDue(order, now)) due.push(order);
    else if (order?.status === "Processing" && draft.status === "Processing") {
      await appendCreatedOutbox(deps, order);
      claimed.push(order);
    }
  }
  const gathering = releaseGatheringFor(deps.publisher);
  if (claimed.length > 0) await gathering.publish(claimed);
  if (due.length > 0) await claimAndPublish(deps, due, (taken) => gathering.publish(taken));
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
