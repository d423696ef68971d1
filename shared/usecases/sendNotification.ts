import { laneOf, sendQueueOf } from "../domain/lanes";
import type { NotificationDocument } from "../domain/notification";
import type { SendNotificationMessage } from "../queue/messages";
import { abandonedSendMs, defaultProviderRetryMs, lostSendGraceMs } from "../domain/recoveryTimes";
import { nextSendTime, type SendingWindow } from "../domain/sendingWindow";
import { isPendingNotification } from "../domain/statuses";
import { isAppError } from "../errors";
import type { QueueKey } from "../platform/resources";
import type { Clock } from "../ports/clock";
import type { DeliveryReferenceStore, NotificationStore } from "../ports/notificationStore";
import type { Publisher } from "../ports/publisher";
import type { EmailSender } from "../ports/emailSender";
import type { SendPacer } from "../ports/sendPacer";
import type { SmsSender } from "../ports/smsSender";
import { callProvider, type ProviderOutcome } from "./steps/callProvider";
import { completeOrderIfDone } from "./steps/completeOrderIfDone";
import { pauseProvider, takeTokensFor } from "./steps/paceSends";
import { recordAcceptance, rememberEmailOperation, settle } from "./steps/recordAcceptance";
import type { TransitionDeps } from "./steps/transitionOrder";

export interface SendDeps extends TransitionDeps {
  notifications: NotificationStore;
  references: DeliveryReferenceStore;
  publisher: Publisher;
  emailSender: EmailSender;
  smsSender: SmsSender;
  clock: Clock;
  sendingWindow: SendingWindow;
  pacer: SendPacer;
}

/**
 * The queue a send goes back to: its order's lane. The order is read only on this path (a retry, the sending
 * window), not for every send; an order that is gone has nothing large left to stand behind.
 */
export async function sendQueueFor(
  deps: Pick<SendDeps, "orders">,
  orderId: string,
  channel: "email" | "sms",
): Promise<QueueKey> {
  const order = await deps.orders.getOrder(orderId);
  return sendQueueOf(order ? laneOf(order) : "priority", channel);
}

export function isAbandonedSend(n: NotificationDocument, now: Date): boolean {
  return n.status === "Sending" && now.getTime() - Date.parse(n.statusChangedAt) >= abandonedSendMs;
}

/**
 * Puts the send back on its queue for `at`, moved to the start of the next sending window when `at` falls
 * outside it; a send that could only go out after its expiry is left to the terminate job.
 */
async function reschedule(
  deps: SendDeps,
  message: SendNotificationMessage,
  n: NotificationDocument,
  at: Date,
) {
  const when = nextSendTime(at, n.sendingTimePolicy, deps.sendingWindow);
  if (when.getTime() >= Date.parse(n.expiry)) return;
  const retry = message.retry + 1;
  await deps.publisher.publish(await sendQueueFor(deps, n.orderId, n.channel), [
    {
      messageId: `send:${n.id}:retry:${retry}`,
      body: { ...message, retry },
      scheduledEnqueueTime: when,
      correlationId: n.orderId,
    },
  ]);
}

/**
 * No token for the send now: its message comes back when the bucket will have one. A wait longer than the
 * sweeper's grace also moves the notification's `sendAfter`, so the sweeper does not take it for lost and
 * publish it again meanwhile.
 */
async function waitForToken(
  deps: SendDeps,
  message: SendNotificationMessage,
  n: NotificationDocument,
  at: Date,
) {
  let waiting = n;
  if (at.getTime() > Date.parse(n.sendAfter) + lostSendGraceMs / 2) {
    try {
      waiting = await deps.notifications.update(n, { sendAfter: at.toISOString() });
    } catch (error) {
      if (isAppError(error, "conflict")) return; // taken or moved by another message meanwhile
      throw error;
    }
  }
  await reschedule(deps, message, waiting, at);
}

/**
 * Queue job: sends one email or SMS. The notification moves New → Sending under its ETag before the
 * provider is called, so a duplicate message finds it taken and sends nothing. It goes out only with a token
 * of its provider's bucket (SendPacer), else it waits for one. A transient provider failure puts it back to
 * New and reschedules the message after Retry-After (never a hot loop); a 429 also pauses the whole bucket.
 */
export async function sendNotification(deps: SendDeps, message: SendNotificationMessage): Promise<void> {
  const found = await deps.notifications.get(message.orderId, message.notificationId);
  const now = deps.clock.now();
  if (!found || !(found.status === "New" || isAbandonedSend(found, now))) return;
  if (Date.parse(found.expiry) <= now.getTime()) return; // the terminate job finalises it
  // The window holds however the message got here: a late delivery, a retry or a sweep.
  if (nextSendTime(now, found.sendingTimePolicy, deps.sendingWindow).getTime() > now.getTime()) {
    await reschedule(deps, message, found, now);
    return;
  }
  // A single send is a priority send: it may take the tokens bulk batches leave in reserve.
  const paced = await takeTokensFor(deps, [found], "priority", now);
  if (paced.waiting.length > 0) {
    await waitForToken(deps, message, found, paced.retryAt ?? now);
    return;
  }
  let sending: NotificationDocument;
  try {
    sending = await deps.notifications.update(found, {
      status: "Sending",
      statusChangedAt: now.toISOString(),
    });
  } catch (error) {
    if (isAppError(error, "conflict")) return;
    throw error;
  }

  await rememberEmailOperation(deps, sending);
  let outcome: ProviderOutcome;
  try {
    outcome = await callProvider(deps, sending);
  } catch (error) {
    if (!isAppError(error, "transient")) throw error;
    const retryAfterMs = error.details.retryAfterMs ?? defaultProviderRetryMs;
    const at = new Date(deps.clock.now().getTime() + retryAfterMs);
    if (error.details.throttled) await pauseProvider(deps, sending, retryAfterMs);
    await settle(deps, sending, { status: "New" });
    await reschedule(deps, message, sending, at);
    return;
  }

  if (outcome.kind === "accepted") {
    await recordAcceptance(deps, sending, outcome.reference);
    return;
  }
  await settle(deps, sending, { status: outcome.status });
  const after = await deps.notifications.get(sending.orderId, sending.id);
  if (after && !isPendingNotification(after)) await completeOrderIfDone(deps, sending.orderId);
}
