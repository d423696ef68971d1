import { deterministicId } from "../../domain/deterministicIds";
import { emailLifecycleName, smsLifecycleName } from "../../domain/statuses";
import {
  webhookDeliveryNamespace,
  type WebhookDelivery,
  type WebhookPayload,
  type WebhookSubscription,
} from "../../domain/webhooks";
import type { Clock } from "../../ports/clock";
import type { RecipientStatus, RecipientStatusPages } from "../../ports/recipientStatuses";
import type { StatusFeed, StatusFeedEntry } from "../../ports/statusFeed";
import type { WebhookStore } from "../../ports/webhooks";

export interface QueueDeps {
  webhooks: WebhookStore;
  statusFeed: StatusFeed;
  notifications: RecipientStatusPages;
  clock: Clock;
}

/** Feed entries read per page, and pages per subscription and run. */
const feedPageSize = 100;
const feedPagesPerRun = 10;
/** A large order's notifications read per page, and pages per subscription and run. */
const recipientPageSize = 500;
const recipientPagesPerRun = 4;
/**
 * A large order's recipient events are queued only while the subscription has fewer pending deliveries than
 * this (five runs of attempts): queuing faster than a receiver takes them would only fill the partition, and
 * a receiver that is down does not turn a million recipients into a million failing deliveries.
 */
const recipientBacklog = 1_000;

/**
 * Queues a delivery for each matching status change the feed holds after the subscription's cursor, then moves
 * the cursor under the subscription's ETag. The recipient events of an order too large for its entry to list
 * its recipients are read from the order's notifications, a page at a time, with the subscription's
 * `recipientCursor` keeping the place between pages and runs. Every delivery id is deterministic, so a run that
 * dies before its cursor move creates the same deliveries again, harmlessly.
 */
export async function queueWebhookDeliveries(
  deps: QueueDeps,
  subscription: WebhookSubscription,
): Promise<{ subscription: WebhookSubscription; queued: number }> {
  let current = subscription;
  let queued = 0;
  for (let page = 0; page < feedPagesPerRun; page += 1) {
    const entries = await deps.statusFeed.read({
      creator: current.tenant,
      after: current.feedCursor,
      pageSize: feedPageSize,
      order: "Asc",
    });
    // Up to and including the first entry whose recipients are read apart: the entries after it wait for them.
    const apart = entries.findIndex((entry) => recipientsApart(current, entry));
    const taken = apart < 0 ? entries : entries.slice(0, apart + 1);
    const last = taken.at(-1);
    if (!last) break;
    const now = deps.clock.now();
    // The order event of an entry whose recipients are being queued was queued when that began.
    const fresh = taken.filter((entry) => current.recipientCursor?.sequence !== entry.sequenceNumber);
    const deliveries = fresh.flatMap((entry) => deliveriesFor(current, entry, now));
    await deps.webhooks.addDeliveries(deliveries);
    queued += deliveries.length;
    if (apart < 0) {
      // A recipient cursor left from an entry that has since expired from the feed goes with the move.
      current = await deps.webhooks.updateSubscription(current, {
        feedCursor: last.sequenceNumber,
        recipientCursor: undefined,
      });
      if (entries.length < feedPageSize) break;
      continue;
    }
    const expanded = await queueRecipients(deps, current, last);
    current = expanded.subscription;
    queued += expanded.queued;
    // Still inside that order's recipients: the backlog is full or this run's pages are spent.
    if (current.recipientCursor) break;
  }
  return { subscription: current, queued };
}

/** An entry of a final order whose recipients the feed did not list, for a subscriber to recipient events. */
function recipientsApart(subscription: WebhookSubscription, entry: StatusFeedEntry): boolean {
  return entry.recipientsOmitted === true && subscription.events.includes("recipient.status");
}

/**
 * Queues the recipient events of one large order from its notifications, a page at a time, recording after
 * each page how far it got; when the last page is queued the feed cursor passes the entry.
 */
async function queueRecipients(
  deps: QueueDeps,
  subscription: WebhookSubscription,
  entry: StatusFeedEntry,
): Promise<{ subscription: WebhookSubscription; queued: number }> {
  const sequence = entry.sequenceNumber;
  let current =
    subscription.recipientCursor?.sequence === sequence
      ? subscription
      : await deps.webhooks.updateSubscription(subscription, {
          feedCursor: sequence - 1,
          recipientCursor: { sequence, after: "" },
        });
  let queued = 0;
  let room = recipientBacklog - (await deps.webhooks.pendingDeliveries(current));
  for (let page = 0; page < recipientPagesPerRun && room > 0; page += 1) {
    const after = current.recipientCursor?.after ?? "";
    const { statuses, next } = await deps.notifications.recipientStatuses(
      entry.shipmentId,
      after,
      recipientPageSize,
    );
    const now = deps.clock.now();
    const deliveries = statuses.map((recipient) => recipientDelivery(current, entry, recipient, now));
    await deps.webhooks.addDeliveries(deliveries);
    queued += deliveries.length;
    room -= deliveries.length;
    current = await deps.webhooks.updateSubscription(
      current,
      next === undefined
        ? { feedCursor: sequence, recipientCursor: undefined }
        : { recipientCursor: { sequence, after: next } },
    );
    if (next === undefined) break;
  }
  return { subscription: current, queued };
}

type Common = Pick<WebhookPayload["data"], "sequence" | "shipmentId" | "sendersReference" | "shipmentType">;

function commonData(entry: StatusFeedEntry): Common {
  return {
    sequence: entry.sequenceNumber,
    shipmentId: entry.shipmentId,
    sendersReference: entry.sendersReference,
    shipmentType: entry.shipmentType,
  };
}

/** The deliveries one feed entry makes for a subscription: one per subscribed event type it carries. */
function deliveriesFor(
  subscription: WebhookSubscription,
  entry: StatusFeedEntry,
  now: Date,
): WebhookDelivery[] {
  const common = commonData(entry);
  const deliveries: WebhookDelivery[] = [];
  if (subscription.events.includes("order.status")) {
    deliveries.push(
      delivery(subscription, entry, "order", now, {
        type: "order.status",
        timestamp: entry.created,
        data: { ...common, status: entry.status, lastUpdate: entry.lastUpdate, recipients: entry.recipients },
      }),
    );
  }
  if (subscription.events.includes("recipient.status")) {
    entry.recipients.forEach((recipient, index) =>
      deliveries.push(
        delivery(subscription, entry, `recipient:${index}`, now, {
          type: "recipient.status",
          timestamp: entry.created,
          data: { ...common, ...recipient },
        }),
      ),
    );
  }
  return deliveries;
}

/**
 * A recipient event read from a large order's notification: the payload a listed recipient gets, keyed by the
 * notification's id, which no page boundary or rerun changes.
 */
function recipientDelivery(
  subscription: WebhookSubscription,
  entry: StatusFeedEntry,
  recipient: RecipientStatus,
  now: Date,
): WebhookDelivery {
  return delivery(subscription, entry, `notification:${recipient.notificationId}`, now, {
    type: "recipient.status",
    timestamp: entry.created,
    data: {
      ...commonData(entry),
      destination: recipient.address ?? "",
      status:
        recipient.channel === "email"
          ? emailLifecycleName(recipient.status)
          : smsLifecycleName(recipient.status),
      lastUpdate: recipient.statusChangedAt,
    },
  });
}

/** A pending delivery under an id derived from (subscription, entry, key): also the `webhook-id`. */
function delivery(
  subscription: WebhookSubscription,
  entry: StatusFeedEntry,
  key: string,
  now: Date,
  payload: WebhookPayload,
): WebhookDelivery {
  const at = now.toISOString();
  return {
    id: deterministicId(
      webhookDeliveryNamespace,
      JSON.stringify([subscription.id, entry.sequenceNumber, key]),
    ),
    pk: subscription.tenant,
    docType: "delivery",
    tenant: subscription.tenant,
    subscriptionId: subscription.id,
    sequence: entry.sequenceNumber,
    payload,
    status: "pending",
    attempts: 0,
    nextAttemptAt: at,
    created: at,
  };
}
