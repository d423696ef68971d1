import { z } from "zod";
import {
  webhookDeliveryStatuses,
  webhookEventTypes,
  webhookPayloadSchema,
  type WebhookDelivery,
  type WebhookSubscription,
} from "../../domain/webhooks";

const dateTime = z.string().meta({ format: "date-time" });

/** A subscription as the API shows it: never its secrets, except the new one right after create and rotate. */
export const webhookSubscriptionViewSchema = z.object({
  id: z.string().meta({ format: "uuid" }),
  url: z.string(),
  events: z.array(z.enum(webhookEventTypes)),
  description: z.string().optional(),
  paused: z.boolean(),
  created: dateTime,
  updated: dateTime,
  secret: z
    .string()
    .optional()
    .meta({ description: "The signing secret (whsec_…), shown only when created and when rotated." }),
});
type WebhookSubscriptionView = z.infer<typeof webhookSubscriptionViewSchema>;

export const webhookSubscriptionListSchema = z.object({
  subscriptions: z.array(webhookSubscriptionViewSchema),
});

const webhookDeliveryViewSchema = z.object({
  id: z.string().meta({ format: "uuid", description: "The webhook-id header of every attempt." }),
  subscriptionId: z.string().meta({ format: "uuid" }),
  sequence: z.number().int(),
  status: z.enum(webhookDeliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: dateTime.optional(),
  lastAttempt: z.object({ at: dateTime, outcome: z.string() }).optional(),
  created: dateTime,
  deliveredAt: dateTime.optional(),
  payload: webhookPayloadSchema,
});
type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;

export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliveryViewSchema) });

export function subscriptionView(s: WebhookSubscription, withSecret = false): WebhookSubscriptionView {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    ...(s.description === undefined ? {} : { description: s.description }),
    paused: s.paused,
    created: s.created,
    updated: s.updated,
    ...(withSecret && s.secrets[0] ? { secret: s.secrets[0].secret } : {}),
  };
}

export function deliveryView(d: WebhookDelivery): WebhookDeliveryView {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    sequence: d.sequence,
    status: d.status,
    attempts: d.attempts,
    ...(d.status === "pending" ? { nextAttemptAt: d.nextAttemptAt } : {}),
    ...(d.lastAttempt ? { lastAttempt: d.lastAttempt } : {}),
    created: d.created,
    ...(d.deliveredAt ? { deliveredAt: d.deliveredAt } : {}),
    payload: d.payload,
  };
}

export const webhookRedeliverySchema = z.object({
  redelivered: z
    .array(z.string().meta({ format: "uuid" }))
    .meta({ description: "The deliveries now due again." }),
});
