import type { OrderDocument } from "../domain/order";
import { isAppError } from "../errors";
import type { Publisher } from "../ports/publisher";
import { transitionOrder, type TransitionDeps } from "./transitionOrder";

export interface ReleaseDeps extends TransitionDeps {
  publisher: Publisher;
}

export interface ReleaseOptions {
  batchSize: number;
  /** How long a claim holds before the order is released again (its process message may have been lost). */
  leaseMs: number;
  /** Bounds one timer run; the next run continues where this one stopped. */
  maxBatches: number;
}

export const defaultReleaseOptions: ReleaseOptions = { batchSize: 50, leaseMs: 10 * 60_000, maxBatches: 20 };

async function claim(
  deps: ReleaseDeps,
  order: OrderDocument,
  leaseMs: number,
): Promise<OrderDocument | undefined> {
  const leaseUntil = new Date(deps.clock.now().getTime() + leaseMs).toISOString();
  try {
    return await transitionOrder(deps, order, "Processing", {
      leaseUntil,
      releaseCount: order.releaseCount + 1,
    });
  } catch (error) {
    // Another tick or a cancel changed the order first; it is theirs now.
    if (isAppError(error, "conflict")) return undefined;
    throw error;
  }
}

/** Claims the given orders (skipping any another worker took) and publishes one process message per claim. */
export async function claimAndPublish(
  deps: ReleaseDeps,
  candidates: OrderDocument[],
  leaseMs: number,
): Promise<OrderDocument[]> {
  const claimed = (await Promise.all(candidates.map((o) => claim(deps, o, leaseMs)))).filter(
    (o): o is OrderDocument => o !== undefined,
  );
  if (claimed.length === 0) return claimed;
  // A publish failure leaves the claims in place: their leases run out and the next tick releases them again.
  await deps.publisher.publish(
    "processOrder",
    claimed.map((o) => ({
      messageId: `process:${o.id}:${o.releaseCount}`,
      body: { orderId: o.id },
      correlationId: o.id,
    })),
  );
  return claimed;
}

/**
 * Timer job: claims due orders in bounded batches under ETag conditions, so two concurrent ticks never
 * release the same order, and publishes them for processing. Orders whose lease ran out are released again.
 */
export async function releaseDueOrders(
  deps: ReleaseDeps,
  options: ReleaseOptions = defaultReleaseOptions,
): Promise<{ released: number }> {
  let released = 0;
  for (let batch = 0; batch < options.maxBatches; batch += 1) {
    const now = deps.clock.now();
    const due = await deps.orders.findDue(now, options.batchSize);
    const stale = await deps.orders.findExpiredLeases(now, options.batchSize);
    const claimed = await claimAndPublish(deps, [...due, ...stale], options.leaseMs);
    released += claimed.length;
    if (due.length < options.batchSize && stale.length < options.batchSize) break;
  }
  return { released };
}
