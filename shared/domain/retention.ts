import { expiryGraceSeconds } from "./expiry";
import { finalOrderStatuses, type OrderStatus } from "./statuses";
import { webhookRetentionSeconds, type WebhookDeliveryStatus } from "./webhooks";

/**
 * How long personal data is kept (docs/privacy.md). Every document that holds or points to personal data is
 * written with Cosmos DB's per-item `ttl` (seconds after the write) and `retainUntil`, the same instant
 * written out, so an operator (and local mode's stand-in for TTL, which the embedded server lacks) can see
 * when it goes. Each write computes both again, so the last write decides, as it does for Cosmos.
 */
interface RetentionPolicy {
  /** Orders, their recipient lists, notifications (addresses and message bodies): days after the order is final. */
  orderDays: number;
  /** Status feed entries: days after they were appended (Altinn deletes its feed after 90). */
  statusFeedDays: number;
  /** Delivery reports that could not be applied: days after the last attempt, for an operator to replay. */
  deadReportDays: number;
}

interface Retention {
  /** Seconds after this write when Cosmos DB deletes the document. */
  ttl: number;
  /** The same instant, ISO 8601. */
  retainUntil: string;
}

/**
 * How long an order can take from its requested send time until it is final: the latest Daytime start after
 * a long holiday (Easter: five days), the 48 h notification lifetime, the 5 min grace and the sweeper's
 * delay, rounded up generously. A document whose order is not final yet is kept at least this long past the
 * send time plus the retention, so an order is never deleted while it is still being worked on.
 */
const processingHorizonDays = 14;

/**
 * Notifications may become final a little before their order (the sweeper completes the order after the
 * last one): they are kept one day past their own deadline plus the retention, so none disappears from an
 * order's status before the order itself.
 */
const completionMarginDays = 1;

/** A resolved dead report is kept one day (what was replayed, for the operator's record), then deleted. */
const resolvedDeadReportDays = 1;

/** Item-level TTL that Cosmos never expires: the status feed's sequence marker must outlive every entry. */
export const neverExpires = -1;

const dayMs = 86_400_000;

export class RetentionRules {
  constructor(
    readonly policy: RetentionPolicy,
    /** The current time (the service's clock, so a test's fake clock moves retention too). */
    private readonly now: () => Date,
  ) {}

  /** Final: the retention from now. Otherwise kept until the order cannot be running any more. */
  order(order: { status: OrderStatus; requestedSendTime: string }): Retention {
    if (finalOrderStatuses.has(order.status)) return this.daysFromNow(this.policy.orderDays);
    return this.orderData(order.requestedSendTime);
  }

  /** A document beside an order that lives as long as an unfinished order (recipient parts, send batches). */
  orderData(requestedSendTime: string): Retention {
    const sendTime = Date.parse(requestedSendTime);
    return this.until(
      sendTime + (processingHorizonDays + this.policy.orderDays) * dayMs,
      this.policy.orderDays,
    );
  }

  /**
   * Addresses and message bodies: the retention after the notification's deadline, at least from now. One that
   * holds its order's status (domain/heldOrders.ts) is kept as long as that order, which is never written final
   * and so is kept as an unfinished one (`orderData`, from a send time no later than the notification's
   * creation): its status is read from the notification as long as it is there.
   */
  notification(notification: { expiry: string; created: string; holdsOrderStatus?: boolean }): Retention {
    const deadline = Date.parse(notification.expiry) + expiryGraceSeconds * 1000;
    const own = deadline + (completionMarginDays + this.policy.orderDays) * dayMs;
    const order = notification.holdsOrderStatus
      ? Date.parse(notification.created) + (processingHorizonDays + this.policy.orderDays) * dayMs
      : 0;
    return this.until(Math.max(own, order), this.policy.orderDays);
  }

  /** A provider reference is written when its notification is sent, which is final within its 48 h lifetime. */
  deliveryReference(): Retention {
    return this.daysFromNow(this.policy.orderDays + completionMarginDays);
  }

  statusFeedEntry(): Retention {
    return this.daysFromNow(this.policy.statusFeedDays);
  }

  /**
   * A webhook delivery copies a feed entry (addresses, statuses) for one subscription. Pending (a receiver
   * retrying, a subscription paused), it is kept as long as the feed keeps entries; delivered or failed, 30
   * days for the organisation to list and redeliver, never longer than the feed keeps its own copy.
   */
  webhookDelivery(delivery: { status: WebhookDeliveryStatus }): Retention {
    if (delivery.status === "pending") return this.daysFromNow(this.policy.statusFeedDays);
    return this.daysFromNow(Math.min(webhookRetentionSeconds / 86_400, this.policy.statusFeedDays));
  }

  deadReport(resolved: boolean): Retention {
    return this.daysFromNow(resolved ? resolvedDeadReportDays : this.policy.deadReportDays);
  }

  private daysFromNow(days: number): Retention {
    return this.until(this.now().getTime() + days * dayMs, days);
  }

  /** At `at`, but never sooner than `minimumDays` from now (a late write restarts the retention). */
  private until(at: number, minimumDays: number): Retention {
    const now = this.now().getTime();
    const ttl = Math.ceil((Math.max(at, now + minimumDays * dayMs) - now) / 1000);
    return { ttl, retainUntil: new Date(now + ttl * 1000).toISOString() };
  }
}

/**
 * Cosmos DB counts an item's `ttl` from its last write. A write that must not move the deletion (an erasure
 * anonymising a document) sets the seconds left until the `retainUntil` the document already carries;
 * a document without one (or kept forever, -1) is left as it is.
 */
export function retentionKept(document: Record<string, unknown>, now: Date): Partial<Retention> {
  const { ttl, retainUntil } = document;
  if (typeof ttl !== "number" || ttl < 0 || typeof retainUntil !== "string") return {};
  const at = Date.parse(retainUntil);
  if (Number.isNaN(at)) return {};
  return { ttl: Math.max(1, Math.ceil((at - now.getTime()) / 1000)), retainUntil };
}

/** The defaults of the retention settings (shared/config/settings.ts). */
export const defaultRetentionPolicy: RetentionPolicy = {
  orderDays: 90,
  statusFeedDays: 90,
  deadReportDays: 30,
};

/** What a store uses unless it is given the configured rules: the defaults, by the system clock. */
export const defaultRetentionRules = new RetentionRules(defaultRetentionPolicy, () => new Date());
