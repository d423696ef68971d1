import { laneOf, processQueueOf } from "../../domain/lanes";
import type { ProcessOrderMessage } from "../../queue/messages";
import { maxListedNotifications } from "../../domain/completion";
import { wasSent } from "../../domain/heldOrders";
import { isDue, type OrderDocument } from "../../domain/order";
import { isPendingNotification } from "../../domain/statuses";
import { abandonedSendMs, releaseLeaseMs } from "../../domain/recoveryTimes";
import { isAppError } from "../../errors";
import type { ContactRegistry } from "../../ports/contactRegistry";
import type { NewNotification } from "../../ports/notificationStore";
import type { TestModeProviders } from "../../ports/testMode";
import { contactsFor } from "./selectContactRegistry";
import type { RecipientLists } from "../../ports/recipientLists";
import type { SendBatches } from "../../ports/sendBatches";
import type { SendConditionChecker } from "../../ports/sendCondition";
import { isClaimFree, releasesWithoutClaim } from "./claimAndPublish";
import { completeOrderIfDone } from "./completeOrderIfDone";
import { notificationsFor } from "./notificationDrafts";
import { claimDueNow, planSends, type PlannedSends } from "./planSends";
import { resolveOrderRecipients } from "./resolveOrderRecipients";
import type { SendDeps } from "./sendEach";
import { transitionOrder } from "./transitionOrder";

export interface ProcessDeps extends SendDeps {
  contacts: ContactRegistry;
  conditions: SendConditionChecker;
  sendBatches: SendBatches;
  recipientLists: RecipientLists;
  /** A test-mode organisation's persons are looked up with the simulated ones. */
  testMode?: TestModeProviders;
}

/** Altinn retries an inconclusive send condition once, after a minute. */
const conditionRetryDelayMs = 60_000;
/** Recipients resolved, written and published per step, so an order of 100,000 never sits in memory at once. */
const chunkSize = 500;
/** Recipients one invocation fans out (seconds of work), far inside the queue lock and the function timeout. */
const sliceSize = 5_000;

type ConditionDecision = "send" | "skip" | "deferred";
type ConditionOutcome = { decision: ConditionDecision; reason?: string };

async function evaluateCondition(
  deps: ProcessDeps,
  order: OrderDocument,
  message: ProcessOrderMessage,
): Promise<ConditionOutcome> {
  if (!order.conditionEndpoint) return { decision: "send" };
  const result = await deps.conditions.check(order.conditionEndpoint);
  if (result.outcome !== "error") return { decision: result.outcome };
  if (message.conditionAttempt === 1) {
    const retryAt = new Date(deps.clock.now().getTime() + conditionRetryDelayMs);
    await deps.publisher.publish(processQueueOf(laneOf(order)), [
      {
        messageId: `process:${order.id}:${order.releaseCount}:condition-retry`,
        body: { orderId: order.id, conditionAttempt: 2 },
        scheduledEnqueueTime: retryAt,
        correlationId: order.id,
      },
    ]);
    return { decision: "deferred" };
  }
  const decision: ConditionDecision = order.conditionFailurePolicy === "skip" ? "skip" : "send";
  return {
    decision,
    reason: `The send condition could not be evaluated twice (${result.reason}); conditionFailurePolicy ${order.conditionFailurePolicy} applied.`,
  };
}

/**
 * Turns a released order into notifications. Evaluates the send condition, resolves recipients from the
 * local register copies, substitutes keywords, writes one notification per address under a deterministic id
 * (a repeated step creates nothing twice) and plans the sends into `sends`, in batches when many go to one
 * channel at once, scheduled for the start of the sending window when needed. Returns what finishes the
 * order (Processed, or Completed when every notification is final at once; no write when the order's one
 * sent notification holds its status, domain/heldOrders.ts), to be run once its sends are published and
 * those due now sent; nothing when there is nothing to finish (not Processing, deferred, a further slice
 * queued).
 *
 * A large order is fanned out in slices: each invocation handles at most `sliceSize` recipients, publishes
 * and records after every chunk how far it got (the order's `fanout` checkpoint, which also renews the
 * lease) and hands the rest to a new message. A crash resumes from the checkpoint, never from zero.
 */
export async function expandOrder(
  deps: ProcessDeps,
  message: ProcessOrderMessage,
  sends: PlannedSends,
): Promise<(() => Promise<void>) | undefined> {
  const order = await deps.orders.getOrder(message.orderId);
  if (!order || !(order.status === "Processing" || isReleasedWithoutClaim(deps, order))) return undefined;

  let statusReason = order.statusReason;
  if (order.fanout === undefined) {
    const condition = await evaluateCondition(deps, order, message);
    if (condition.decision === "deferred") return undefined;
    if (condition.decision === "skip")
      return () => finish(deps, order, "SendConditionNotMet", { statusReason: condition.reason });
    statusReason = condition.reason;
  }

  const now = deps.clock.now();
  const total = order.recipientCount ?? order.recipients.length;
  const first = order.fanout?.nextRecipient ?? 0;
  const end = Math.min(total, first + sliceSize);
  let current = order;
  let allFinal = true;
  let holderId: string | undefined;
  const ids: string[] = [];
  for (let start = first; start < end; start += chunkSize) {
    const chunkEnd = Math.min(end, start + chunkSize);
    const recipients =
      order.recipientCount === undefined
        ? order.recipients.slice(start, chunkEnd)
        : await deps.recipientLists.read(order.id, start, chunkEnd);
    const addresses = await resolveOrderRecipients(contactsFor(deps, order.creator), order, recipients);
    const planned = planSends(order, notificationsFor(order, addresses, now, deps.sendingWindow), start, now);
    // A small order's sends due now go out from this step itself (see claimDueNow).
    const claimed = total <= chunkSize ? claimDueNow(planned, now) : planned;
    const holder = (await isHeldBy(deps, order, claimed.notifications))
      ? claimed.notifications[0]
      : undefined;
    const plan = holder ? { ...claimed, notifications: [{ ...holder, holdsOrderStatus: true }] } : claimed;
    holderId = holder?.id;
    const created = await deps.notifications.createMany(plan.notifications);
    await deps.sendBatches.createMany(plan.batches);
    sends.add(plan, laneOf(order), now, created);
    if (plan.notifications.some(isPendingNotification)) allFinal = false;
    ids.push(...plan.notifications.map((n) => n.id));
    if (chunkEnd < total) {
      // The checkpoint moves past this chunk only once its sends are on their way.
      await sends.publish(deps);
      const saved = await checkpoint(deps, current, chunkEnd, statusReason);
      if (!saved) return undefined; // another delivery of this message is fanning the order out
      current = saved;
    }
  }
  if (end < total) {
    await deps.publisher.publish(processQueueOf(laneOf(order)), [
      {
        messageId: `process:${order.id}:${order.releaseCount}:${end}`,
        body: { orderId: order.id },
        correlationId: order.id,
      },
    ]);
    return undefined;
  }
  // Only an order fanned out in one invocation knows all its notifications here.
  const whole = first === 0;
  const complete = whole && allFinal;
  const expanded = current;
  return async () => {
    if (holderId !== undefined && (await isLeftToHolder(deps, order.id, holderId))) return;
    await finish(deps, expanded, complete ? "Completed" : "Processed", {
      statusReason,
      notificationIds: whole && ids.length <= maxListedNotifications ? ids : undefined,
      // Until then the sends are on their way; then the sweeper looks for one whose message or worker was
      // lost (a send claimed before this processing may already be abandoned by then) and plans from there.
      sweepAt: complete ? undefined : new Date(now.getTime() + abandonedSendMs).toISOString(),
    });
    if (!complete) await completeOrderIfDone(deps, order.id);
  };
}

/** A Registered order the sweeper released without claiming it: due, and of the kind it releases so. */
function isReleasedWithoutClaim(deps: ProcessDeps, order: OrderDocument): boolean {
  return isDue(order, deps.clock.now()) && isClaimFree(order);
}

/**
 * Whether the step's one notification stands for the order's processing (domain/heldOrders.ts): the order was
 * released without a claim, its tenant's feed lists no transitions now (a Processed entry needs the write),
 * and the step plans that one send, claimed to go out from the step.
 */
async function isHeldBy(deps: ProcessDeps, order: OrderDocument, planned: NewNotification[]) {
  const [only, ...others] = planned;
  return (
    only?.status === "Sending" &&
    others.length === 0 &&
    isDue(order, deps.clock.now()) &&
    (await releasesWithoutClaim(deps, order))
  );
}

/**
 * Whether the order is left to the notification holding its status: so when the step sent it (one that ended
 * at once completes the order). One the step did not send (a failed call, no token) leaves the order to be
 * written Processed, with the sweeper's lost-send check to follow.
 */
async function isLeftToHolder(deps: ProcessDeps, orderId: string, holderId: string): Promise<boolean> {
  const holder = await deps.notifications.get(orderId, holderId);
  if (!holder || !wasSent(holder)) return false;
  if (!isPendingNotification(holder)) await completeOrderIfDone(deps, orderId, holderId);
  return true;
}

/** Records how far the fan-out got and renews the lease; undefined when another delivery got there first. */
async function checkpoint(
  deps: ProcessDeps,
  order: OrderDocument,
  nextRecipient: number,
  statusReason: string | undefined,
): Promise<OrderDocument | undefined> {
  const leaseUntil = new Date(deps.clock.now().getTime() + releaseLeaseMs).toISOString();
  try {
    return await deps.orders.updateOrder(order, {
      fanout: { nextRecipient },
      leaseUntil,
      sweepAt: leaseUntil,
      statusReason,
    });
  } catch (error) {
    if (isAppError(error, "conflict")) return undefined;
    throw error;
  }
}

async function finish(
  deps: ProcessDeps,
  order: OrderDocument,
  status: "Completed" | "Processed" | "SendConditionNotMet",
  changes: { statusReason?: string; notificationIds?: string[]; sweepAt?: string } = {},
) {
  try {
    await transitionOrder(deps, order, status, { leaseUntil: undefined, fanout: undefined, ...changes });
  } catch (error) {
    // A redelivered message that lost the race finds the order already moved on; that is its answer.
    if (!isAppError(error, "conflict")) throw error;
  }
}
