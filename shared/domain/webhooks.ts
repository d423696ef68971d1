import { z } from "zod";
import { maxTextLength } from "./requests/limits";

/**
 * Status webhooks: a service owner's subscriptions and the deliveries made to them. Every delivery is derived
 * from the tenant's status feed (each entry exactly once, numbered without gaps), so the feed's sequence
 * number orders the deliveries of an order and a subscription's cursor into the feed says what is queued.
 */

/** `order.status`: an order's lifecycle status changed. `recipient.status`: a recipient's final status is known. */
export const webhookEventTypes = ["order.status", "recipient.status"] as const;

/** A subscription's URL, as sent: the outbound guard decides on delivery whether it may be called. */
const webhookUrlSchema = z
  .string()
  .max(maxTextLength.url, `The URL must be ${maxTextLength.url} characters or fewer.`)
  .superRefine((text, ctx) => {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
      ctx.addIssue({ code: "custom", message: "The URL must be an absolute https URL." });
    else if (url.username !== "" || url.password !== "")
      ctx.addIssue({ code: "custom", message: "The URL must not carry credentials." });
  });

const eventsSchema = z
  .array(z.enum(webhookEventTypes))
  .min(1, "Name at least one event type.")
  .max(webhookEventTypes.length)
  .transform((events) => [...new Set(events)]);

export const webhookSubscriptionRequestSchema = z.strictObject({
  url: webhookUrlSchema,
  events: eventsSchema,
  description: z.string().max(maxTextLength.reference).optional(),
});
export type WebhookSubscriptionRequest = z.infer<typeof webhookSubscriptionRequestSchema>;

/** `POST …/redeliver`: the deliveries to send again; without it, the subscription's failed ones. */
export const redeliveryRequestSchema = z.strictObject({
  deliveryIds: z.array(z.string().max(64)).min(1).max(100).optional(),
});

/** A signing secret; the previous one keeps signing beside the new one until it expires after a rotation. */
const webhookSecretSchema = z.object({ secret: z.string(), expires: z.string().optional() });

export const webhookSubscriptionSchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal("subscription"),
  tenant: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEventTypes)),
  description: z.string().optional(),
  paused: z.boolean(),
  secrets: z.array(webhookSecretSchema).min(1),
  /** The last status-feed sequence number whose events are queued as deliveries. */
  feedCursor: z.number().int().min(0),
  /**
   * While the recipient events of the entry after `feedCursor` are being queued (an order with more recipients
   * than an entry lists): that entry's sequence number and the cursor into its order's notifications.
   */
  recipientCursor: z.object({ sequence: z.number().int(), after: z.string() }).optional(),
  created: z.string(),
  updated: z.string(),
  _etag: z.string().optional(),
});
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhookDeliveryStatuses = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** The JSON a receiver gets, in the Standard Webhooks shape (`type`, `timestamp`, `data`). */
export const webhookPayloadSchema = z.object({
  type: z.enum(webhookEventTypes),
  timestamp: z.string(),
  data: z.object({
    /** The status-feed sequence number: orders the events of an order (recipient events share their entry's). */
    sequence: z.number().int(),
    shipmentId: z.string(),
    sendersReference: z.string().optional(),
    shipmentType: z.string(),
    status: z.string(),
    lastUpdate: z.string(),
    /** `order.status` only: the recipients and their statuses, as the status feed lists them. */
    recipients: z
      .array(z.object({ destination: z.string(), status: z.string(), lastUpdate: z.string() }))
      .optional(),
    /** `recipient.status` only: the email address or mobile number. */
    destination: z.string().optional(),
  }),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export const webhookDeliverySchema = z.object({
  id: z.string(),
  pk: z.string(),
  docType: z.literal("delivery"),
  tenant: z.string(),
  subscriptionId: z.string(),
  sequence: z.number().int(),
  payload: webhookPayloadSchema,
  status: z.enum(webhookDeliveryStatuses),
  attempts: z.number().int().min(0),
  /** Pending: when the next attempt is due (a claimed attempt moves it past its own end). */
  nextAttemptAt: z.string(),
  lastAttempt: z.object({ at: z.string(), outcome: z.string() }).optional(),
  created: z.string(),
  deliveredAt: z.string().optional(),
  /** Seconds after the last write when Cosmos removes it: the store sets it on every write (domain/retention.ts). */
  ttl: z.number().int().optional(),
  _etag: z.string().optional(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/**
 * Waits before each retry, as Standard Webhooks' reference schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
 * A delivery still failing after the last (27 h 35 min after the first attempt) is kept as failed.
 */
export const webhookRetryDelaysMs = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
] as const;

/** An attempt holds its delivery this long: longer than the call's timeout, so no second worker races it. */
export const webhookAttemptLeaseMs = 60_000;

/** A receiver's answer must arrive within this; a slower one counts as a failed attempt. */
export const webhookTimeoutMs = 15_000;

/** Delivered and failed deliveries are kept 30 days for the organisation to list and redeliver. */
export const webhookRetentionSeconds = 30 * 24 * 3600;

/** After a rotation the previous secret still signs (beside the new one) this long. */
export const previousSecretValidityMs = 24 * 3_600_000;

/** When the next attempt is due after `attempts` failed ones, or undefined when the delivery has failed. */
export function nextRetryAt(attempts: number, failedAt: Date): Date | undefined {
  const delay = webhookRetryDelaysMs[attempts - 1];
  return delay === undefined ? undefined : new Date(failedAt.getTime() + delay);
}

/** The UUIDv5 namespace of delivery ids, which are also the `webhook-id` a receiver deduplicates on. */
export const webhookDeliveryNamespace = "2b7d0c51-8f0e-4d7a-a7c4-3f1f0b6e9d21";
