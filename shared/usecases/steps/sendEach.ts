import { mapInParallel } from "../../concurrency";
import { laneOf, sendQueueOf } from "../../domain/lanes";
import type { NotificationDocument } from "../../domain/notification";
import { abandonedSendMs, lostSendGraceMs } from "../../domain/recoveryTimes";
import { nextSendTime, type SendingWindow } from "../../domain/sendingWindow";
import { isAppError, IsolatedFailures } from "../../errors";
import type { QueueKey } from "../../platform/resources";
import type { Clock } from "../../ports/clock";
import type { EmailSender } from "../../ports/emailSender";
import type { DeliveryReferenceStore, NotificationStore } from "../../ports/notificationStore";
import type { Publisher } from "../../ports/publisher";
import type { SendPacer } from "../../ports/sendPacer";
import type { SmsSender } from "../../ports/smsSender";
import type { SendNotificationMessage } from "../../queue/messages";
import { handOver, recordOutcomes, type SendResult } from "./callProvider";
import { completeOrderIfDone } from "./completeOrderIfDone";
import { pauseThrottled, takeTokensFor } from "./paceSends";
import { settle } from "./recordAcceptance";
import type { TransitionDeps } from "./transitionOrder";

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

/** Store reads and claims of one group in flight at once. */
const storeConcurrency = 16;

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

interface Send {
  message: SendNotificationMessage;
  notification: NotificationDocument;
}

/** The send if it is still to be sent now; one outside its sending window goes back to the queue. */
async function due(deps: SendDeps, message: SendNotificationMessage, now: Date): Promise<Send | undefined> {
  const found = await deps.notifications.get(message.orderId, message.notificationId);
  if (!found || !(found.status === "New" || isAbandonedSend(found, now))) return undefined;
  if (Date.parse(found.expiry) <= now.getTime()) return undefined; // the terminate job finalises it
  // The window holds however the message got here: a late delivery, a retry or a sweep.
  if (nextSendTime(now, found.sendingTimePolicy, deps.sendingWindow).getTime() > now.getTime()) {
    await reschedule(deps, message, found, now);
    return undefined;
  }
  return { message, notification: found };
}

/** New → Sending under its ETag: a duplicate message finds it taken (undefined) and sends nothing. */
async function claim(deps: SendDeps, send: Send, now: Date): Promise<Send | undefined> {
  try {
    const sending = await deps.notifications.update(send.notification, {
      status: "Sending",
      statusChangedAt: now.toISOString(),
    });
    return { message: send.message, notification: sending };
  } catch (error) {
    if (isAppError(error, "conflict")) return undefined;
    throw error;
  }
}

/** A send the provider could not take now: back to New, and its message again after Retry-After. */
async function putBack(deps: SendDeps, send: Send, retryAfterMs: number): Promise<void> {
  await settle(deps, send.notification, { status: "New" });
  await reschedule(
    deps,
    send.message,
    send.notification,
    new Date(deps.clock.now().getTime() + retryAfterMs),
  );
}

/**
 * Sends each message's notification once: each is claimed New → Sending under its ETag before its provider
 * is called, so a duplicate message finds it taken and sends nothing. Each goes out only with a token of its
 * provider's bucket (SendPacer), else it waits for one. Emails go one request each, SMS in one gateway
 * submission per organisation. A transient provider failure puts a send back to New and reschedules its
 * message after Retry-After (never a hot loop); a 429 also pauses the whole bucket. A store failure on one
 * send holds back none of the others: it is thrown once the others are recorded.
 */
export async function sendEach(deps: SendDeps, messages: SendNotificationMessage[]): Promise<void> {
  const now = deps.clock.now();
  const failures = new IsolatedFailures();
  const found = (
    await mapInParallel(
      messages,
      storeConcurrency,
      failures.isolate((m) => due(deps, m, now)),
    )
  ).filter((s): s is Send => s !== undefined);
  // A single send is a priority send: it may take the tokens bulk batches leave in reserve.
  const paced = await takeTokensFor(
    deps,
    found.map((s) => s.notification),
    "priority",
    now,
  );
  const ready = new Set(paced.ready);
  await mapInParallel(
    found.filter((s) => !ready.has(s.notification)),
    storeConcurrency,
    failures.isolate((s) => waitForToken(deps, s.message, s.notification, paced.retryAt ?? now)),
  );
  const claimed = (
    await mapInParallel(
      found.filter((s) => ready.has(s.notification)),
      storeConcurrency,
      failures.isolate((s) => claim(deps, s, now)),
    )
  ).filter((s): s is Send => s !== undefined);
  await deliver(deps, claimed, failures);
  failures.raise();
}

/**
 * Sends that a processing step created already claimed (Sending), so no send message and no claim of their
 * own: each goes out with a token of its provider's bucket, as a queued single send would; one without a
 * token goes back to New and waits for one with a send message. Throws nothing: failures are kept in
 * `failures` for the caller to raise once its orders have moved on (what a failure left Sending, the
 * sweeper's lost-send check finds).
 */
export async function sendCreatedClaimed(
  deps: SendDeps,
  created: NotificationDocument[],
  failures: IsolatedFailures,
): Promise<void> {
  if (created.length === 0) return;
  await failures.isolate(async (now: Date) => {
    const sends = created.map((notification) => ({ message: messageOf(notification), notification }));
    const paced = await takeTokensFor(deps, created, "priority", now);
    const ready = new Set(paced.ready);
    await mapInParallel(
      sends.filter((s) => !ready.has(s.notification)),
      storeConcurrency,
      failures.isolate(async (s) => {
        const waiting = await deps.notifications.update(s.notification, {
          status: "New",
          statusChangedAt: now.toISOString(),
        });
        await waitForToken(deps, s.message, waiting, paced.retryAt ?? now);
      }),
    );
    // Each channel is recorded as soon as its provider answers, as a send message of one queue would be: an
    // SMS accepted by the gateway must not wait for the emails' calls before its result is written (until
    // then, a process that dies would leave it to be sent again).
    const readyNow = sends.filter((s) => ready.has(s.notification));
    await Promise.all(
      (["email", "sms"] as const).map(
        failures.isolate((channel: "email" | "sms") =>
          deliver(
            deps,
            readyNow.filter((s) => s.notification.channel === channel),
            failures,
          ),
        ),
      ),
    );
  })(deps.clock.now());
}

/** The message a send would have had: a reschedule of a send created claimed publishes it. */
function messageOf(n: NotificationDocument): SendNotificationMessage {
  return { orderId: n.orderId, notificationId: n.id, retry: 0 };
}

/**
 * Hands claimed sends to their providers and records their answers (`recordOutcomes`), puts back what failed
 * for now, checks completion of the orders a refusal may have finished and pauses any bucket a provider
 * throttled.
 */
async function deliver(deps: SendDeps, claimed: Send[], failures: IsolatedFailures): Promise<void> {
  if (claimed.length === 0) return;
  const results = await handOver(
    deps,
    claimed.map((s) => s.notification),
  );
  await failures.isolate((answered: SendResult[]) => recordOutcomes(deps, answered))(results);
  const sendOf = new Map(claimed.map((s) => [s.notification, s]));
  await mapInParallel(
    results.flatMap((r) => ("retryAfterMs" in r ? [r] : [])),
    storeConcurrency,
    failures.isolate(async (result) => {
      const send = sendOf.get(result.notification);
      if (send) await putBack(deps, send, result.retryAfterMs);
    }),
  );
  // A refusal is final at once; an accepted send waits for its report, which checks completion.
  const refused = results.flatMap((r) => ("outcome" in r && r.outcome.kind === "failed" ? [r] : []));
  const finished = new Map(refused.map((r) => [r.notification.orderId, r.notification.id]));
  const complete = failures.isolate(([orderId, id]: [string, string]) =>
    completeOrderIfDone(deps, orderId, id),
  );
  for (const entry of finished) await complete(entry);
  await pauseThrottled(deps, results);
}
