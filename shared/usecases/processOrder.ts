import type { ProcessOrderMessage } from "../domain/messages";
import type { OrderDocument } from "../domain/order";
import type { SendingWindow } from "../domain/sendingWindow";
import { isPendingNotification } from "../domain/statuses";
import { lostSendGraceMs } from "../domain/recoveryTimes";
import { isAppError } from "../errors";
import type { ContactRegistry } from "../ports/contactRegistry";
import type { NewNotification } from "../ports/notificationStore";
import type { Publisher } from "../ports/publisher";
import type { SendConditionChecker } from "../ports/sendCondition";
import { completeOrderIfDone } from "./completeOrderIfDone";
import { notificationsFor } from "./notificationDrafts";
import { resolveOrderRecipients } from "./resolveOrderRecipients";
import { transitionOrder, type TransitionDeps } from "./transitionOrder";

export interface ProcessDeps extends TransitionDeps {
  contacts: ContactRegistry;
  conditions: SendConditionChecker;
  publisher: Publisher;
  sendingWindow: SendingWindow;
}

/** Altinn retries an inconclusive send condition once, after a minute. */
export const conditionRetryDelayMs = 60_000;
/** Orders with at most this many notifications list their ids, so completion checks are point reads. */
const maxListedNotifications = 100;
/** Recipients resolved, written and published per step, so an order of 100,000 never sits in memory at once. */
const chunkSize = 500;

type ConditionDecision = "send" | "skip" | "deferred";

async function evaluateCondition(deps: ProcessDeps, order: OrderDocument, message: ProcessOrderMessage) {
  if (!order.conditionEndpoint) return { decision: "send" as ConditionDecision };
  const result = await deps.conditions.check(order.conditionEndpoint);
  if (result.outcome !== "error") return { decision: result.outcome as ConditionDecision };
  if (message.conditionAttempt === 1) {
    const retryAt = new Date(deps.clock.now().getTime() + conditionRetryDelayMs);
    await deps.publisher.publish("processOrder", [
      {
        messageId: `process:${order.id}:${order.releaseCount}:condition-retry`,
        body: { orderId: order.id, conditionAttempt: 2 },
        scheduledEnqueueTime: retryAt,
        correlationId: order.id,
      },
    ]);
    return { decision: "deferred" as ConditionDecision };
  }
  const decision: ConditionDecision = order.conditionFailurePolicy === "skip" ? "skip" : "send";
  return {
    decision,
    reason: `The send condition could not be evaluated twice (${result.reason}); conditionFailurePolicy ${order.conditionFailurePolicy} applied.`,
  };
}

async function publishSends(deps: ProcessDeps, notifications: NewNotification[], now: Date) {
  for (const channel of ["email", "sms"] as const) {
    const toSend = notifications.filter((n) => n.channel === channel && n.status === "New");
    if (toSend.length === 0) continue;
    await deps.publisher.publish(
      channel === "email" ? "sendEmail" : "sendSms",
      toSend.map((n) => ({
        messageId: `send:${n.id}`,
        body: { orderId: n.orderId, notificationId: n.id },
        correlationId: n.orderId,
        ...(Date.parse(n.sendAfter) > now.getTime() ? { scheduledEnqueueTime: new Date(n.sendAfter) } : {}),
      })),
    );
  }
}

/**
 * Queue job: turns a released order into notifications. Evaluates the send condition, resolves recipients
 * from the local register copies, substitutes keywords, writes one notification per address under a
 * deterministic id (a redelivered message creates nothing twice) and publishes the sends, scheduled for
 * the start of the sending window when needed. An order whose notifications are all final at once
 * (reserved, not identified) goes straight to Completed.
 */
export async function processOrder(deps: ProcessDeps, message: ProcessOrderMessage): Promise<void> {
  const order = await deps.orders.getOrder(message.orderId);
  if (!order || order.status !== "Processing") return;

  const condition = await evaluateCondition(deps, order, message);
  if (condition.decision === "deferred") return;
  if (condition.decision === "skip") {
    await finish(deps, order, "SendConditionNotMet", { statusReason: condition.reason });
    return;
  }

  const now = deps.clock.now();
  let allFinal = true;
  const ids: string[] = [];
  for (let start = 0; start < order.recipients.length; start += chunkSize) {
    const chunk = order.recipients.slice(start, start + chunkSize);
    const addresses = await resolveOrderRecipients(deps.contacts, order, chunk);
    const notifications = notificationsFor(order, addresses, now, deps.sendingWindow);
    await deps.notifications.createMany(notifications);
    await publishSends(deps, notifications, now);
    if (notifications.some(isPendingNotification)) allFinal = false;
    ids.push(...notifications.map((n) => n.id));
  }
  const notificationIds = ids.length <= maxListedNotifications ? ids : undefined;
  await finish(deps, order, allFinal ? "Completed" : "Processed", {
    statusReason: condition.reason,
    notificationIds,
    // Until then the sends are on their way; after it the sweeper checks for one whose message was lost.
    sweepAt: allFinal ? undefined : new Date(now.getTime() + lostSendGraceMs).toISOString(),
  });
  if (!allFinal) await completeOrderIfDone(deps, order.id);
}

async function finish(
  deps: ProcessDeps,
  order: OrderDocument,
  status: "Completed" | "Processed" | "SendConditionNotMet",
  changes: { statusReason?: string; notificationIds?: string[]; sweepAt?: string } = {},
) {
  try {
    await transitionOrder(deps, order, status, { leaseUntil: undefined, ...changes });
  } catch (error) {
    // A redelivered message that lost the race finds the order already moved on; that is its answer.
    if (!isAppError(error, "conflict")) throw error;
  }
}
