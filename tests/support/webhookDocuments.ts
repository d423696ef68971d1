import { randomUUID } from "node:crypto";
import type { WebhookDelivery, WebhookSubscription } from "../../shared/domain/webhooks";

/** A subscription of the organisation as the store keeps it, to order status events. */
export function subscription(tenant: string): WebhookSubscription {
  const now = "2026-11-23T10:00:00.000Z";
  return {
    id: randomUUID(),
    pk: tenant,
    docType: "subscription",
    tenant,
    url: "https://receiver.example/hook",
    events: ["order.status"],
    paused: false,
    secrets: [{ secret: "whsec_test" }],
    feedCursor: 0,
    created: now,
    updated: now,
  };
}

/** A delivery to the subscription that failed for good. */
export function failedDelivery(of: WebhookSubscription): WebhookDelivery {
  const at = "2026-11-23T10:00:00.000Z";
  return {
    id: randomUUID(),
    pk: of.tenant,
    docType: "delivery",
    tenant: of.tenant,
    subscriptionId: of.id,
    sequence: 1,
    payload: {
      type: "order.status",
      timestamp: at,
      data: {
        sequence: 1,
        shipmentId: randomUUID(),
        shipmentType: "Notification",
        status: "x",
        lastUpdate: at,
      },
    },
    status: "failed",
    attempts: 7,
    nextAttemptAt: at,
    created: at,
  };
}
