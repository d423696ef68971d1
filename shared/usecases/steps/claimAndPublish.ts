import { chunksOf } from "../../chunks";
import { laneOf, processQueueOf } from "../../domain/lanes";
import type { OrderDocument } from "../../domain/order";
import { instantLeaseMs, releaseLeaseMs } from "../../domain/recoveryTimes";
import { isAppError } from "../../errors";
import { isRecord } from "../../narrowing";
import { digestOf } from "../../domain/deterministicIds";
import type { OutgoingMessage, Publisher } from "../../ports/publisher";
import { maxOrdersPerMessage } from "../../queue/messages";
import { transitionOrder, type TransitionDeps } from "./transitionOrder";

export interface ReleaseDeps extends TransitionDeps {
  publisher: Publisher;
}

/** Until when a release claim made now holds the order. */
export function releaseLeaseUntil(order: Pick<OrderDocument, "type">, now: Date): string {
  // An instant order lives minutes, not days: its recovery must come well inside its time to live.
  const leaseMs = order.type === "Instant" ? instantLeaseMs : releaseLeaseMs;
  return new Date(now.getTime() + leaseMs).toISOString();
}

async function claim(deps: ReleaseDeps, order: OrderDocument): Promise<OrderDocument | undefined> {
  const leaseUntil = releaseLeaseUntil(order, deps.clock.now());
  try {
    return await transitionOrder(deps, order, "Processing", {
      leaseUntil,
      sweepAt: leaseUntil,
      releaseCount: order.releaseCount + 1,
    });
  } catch (error) {
    // Another tick or a cancel changed the order first; it is theirs now.
    if (isAppError(error, "conflict")) return undefined;
    throw error;
  }
}

interface ReleaseOutcome {
  claimed: OrderDocument[];
  /** Orders whose claim failed for another reason; each stays as it was and is tried again later. */
  failed: Array<{ orderId: string; problem: string }>;
}

/** A rejected claim's message, read off whatever was thrown. */
function rejectionMessage(reason: unknown): string {
  return String(isRecord(reason) ? reason["message"] : undefined);
}

/**
 * Claims the given orders under ETag conditions (skipping any another worker took) and publishes their
 * process messages (`publishReleases`, unless the caller publishes them its own way). Each claim stands
 * alone: one that fails holds back none of the others.
 */
export async function claimAndPublish(
  deps: ReleaseDeps,
  candidates: OrderDocument[],
  publish: (claimed: OrderDocument[]) => Promise<void> = (claimed) =>
    publishReleases(deps.publisher, claimed),
): Promise<ReleaseOutcome> {
  const outcomes = await Promise.allSettled(candidates.map((o) => claim(deps, o)));
  const claimed: OrderDocument[] = [];
  const failed: ReleaseOutcome["failed"] = [];
  candidates.forEach((candidate, index) => {
    const outcome = outcomes[index];
    if (outcome?.status === "fulfilled") {
      if (outcome.value) claimed.push(outcome.value);
    } else if (outcome) {
      failed.push({ orderId: candidate.id, problem: rejectionMessage(outcome.reason) });
    }
  });
  // A publish failure leaves the claims in place: their leases run out and the sweeper releases them again.
  if (claimed.length > 0) await publish(claimed);
  return { claimed, failed };
}

/**
 * Publishes the process messages of claimed orders: small orders without a send condition up to 50 to a
 * message, every other order in a message of its own, each on its lane's queue.
 */
export async function publishReleases(publisher: Publisher, claimed: OrderDocument[]): Promise<void> {
  const grouped = claimed.filter(isGroupable);
  const groups = chunksOf(grouped, maxOrdersPerMessage);
  const priority = [
    ...groups.map((group) => (group.length === 1 && group[0] ? oneOrder(group[0]) : orderGroup(group))),
    ...claimed.filter((o) => !isGroupable(o) && laneOf(o) === "priority").map(oneOrder),
  ];
  const bulk = claimed.filter((o) => laneOf(o) === "bulk").map(oneOrder);
  if (priority.length > 0) await publisher.publish(processQueueOf("priority"), priority);
  if (bulk.length > 0) await publisher.publish(processQueueOf("bulk"), bulk);
}

/**
 * Small orders without a send condition are processed many to a message: their sends then share messages
 * too. A large order takes an invocation of its own, and a condition's HTTP call holds back no other order.
 */
const isGroupable = (o: OrderDocument) => laneOf(o) === "priority" && o.conditionEndpoint === undefined;

/**
 * Whether the sweeper releases a due order without a claim write: a small order processed whole by one
 * message, of a tenant whose feed lists no transitions (an Order_Processing entry needs the claim). The claim
 * guards nothing here: no cancel can come between (one is refused within five minutes of the send time,
 * `cancelOrder`); a second delivery of its message creates and sends nothing twice, as for a claimed order;
 * its processing moves it Registered → Processed under its ETag; the release cursor keeps the next sweep from
 * releasing it again; and one still Registered a lease after its release (its message was lost) is claimed
 * and released as any other order.
 */
export async function releasesWithoutClaim(deps: ReleaseDeps, order: OrderDocument): Promise<boolean> {
  return isClaimFree(order) && !(await deps.feedAudience.listsTransitions(order.creator));
}

/**
 * Whether an order a process message names may be one the sweeper released without a claim: Registered, of
 * the kind it releases so, whatever its tenant's feed says now (a subscription made since the release must not
 * leave the order to wait a lease for the lost-release check).
 */
export function isClaimFree(order: OrderDocument): boolean {
  return order.status === "Registered" && order.type !== "Instant" && isGroupable(order);
}

function oneOrder(o: OrderDocument): OutgoingMessage {
  return {
    messageId: `process:${o.id}:${o.releaseCount}`,
    body: { orderId: o.id },
    correlationId: o.id,
    // A timer's release continues the order's trace (the request that registered it).
    orderTrace: { traceparent: o.traceparent },
  };
}

function orderGroup(orders: OrderDocument[]): OutgoingMessage {
  return {
    messageId: `process:group:${digestOf(orders.map((o) => `${o.id}:${o.releaseCount}`))}`,
    body: { orderIds: orders.map((o) => o.id) },
  };
}
