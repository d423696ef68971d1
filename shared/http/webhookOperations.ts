import { webhookDeliveryStatuses } from "../domain/webhooks";
import type { OperationSpec } from "./openapi";

const subscriptions = "webhooks/subscriptions";
const subscriptionResponses = {
  "401": "No valid bearer token.",
  "403": "The token lacks the scope.",
  "404": "No such subscription for this organisation.",
};
const subscription = (description: string) => ({ description, body: "WebhookSubscription" as const });

/** The webhook subscription routes (docs/integrating.md), listed in `openapi.json` with the others. */
export const webhookOperations: OperationSpec[] = [
  {
    method: "post",
    route: subscriptions,
    operationId: "createWebhookSubscription",
    summary: "Subscribe a URL to order and recipient status changes (Standard Webhooks, signed)",
    requestBody: "WebhookSubscriptionRequest",
    responses: {
      "201": {
        ...subscription("Created; the signing secret is shown this once."),
        headers: { location: "The URL of the subscription." },
      },
      "400": "Validation problem, or a URL the outbound guard refuses (https only; no private addresses).",
      "401": "No valid bearer token.",
      "403": "The token lacks the scope.",
      "409": "The organisation holds the most subscriptions allowed.",
      "413": "Body over 1 MiB.",
      "415": "Content-Type is not application/json.",
    },
  },
  {
    method: "get",
    route: subscriptions,
    operationId: "listWebhookSubscriptions",
    summary: "The organisation's webhook subscriptions",
    responses: {
      "200": { description: "Subscriptions, without secrets.", body: "WebhookSubscriptionList" },
      "401": "No valid bearer token.",
      "403": "The token lacks the scope.",
    },
  },
  {
    method: "get",
    route: `${subscriptions}/{id}`,
    operationId: "getWebhookSubscription",
    summary: "One webhook subscription",
    responses: { "200": subscription("The subscription, without secrets."), ...subscriptionResponses },
  },
  {
    method: "delete",
    route: `${subscriptions}/{id}`,
    operationId: "deleteWebhookSubscription",
    summary: "Delete a webhook subscription",
    responses: { "200": subscription("Deleted; nothing more is sent to it."), ...subscriptionResponses },
  },
  {
    method: "post",
    route: `${subscriptions}/{id}/rotate-secret`,
    operationId: "rotateWebhookSecret",
    summary: "A new signing secret; the previous one also signs for 24 hours",
    responses: {
      "200": subscription("Rotated; the new secret is shown this once."),
      "409": "Changed concurrently: retry.",
      ...subscriptionResponses,
    },
  },
  {
    method: "post",
    route: `${subscriptions}/{id}/pause`,
    operationId: "pauseWebhookSubscription",
    summary: "Hold deliveries (status changes are kept for the resume)",
    responses: {
      "200": subscription("Paused."),
      "409": "Changed concurrently: retry.",
      ...subscriptionResponses,
    },
  },
  {
    method: "post",
    route: `${subscriptions}/{id}/resume`,
    operationId: "resumeWebhookSubscription",
    summary: "Resume deliveries: every change since the pause follows, in order",
    responses: {
      "200": subscription("Resumed."),
      "409": "Changed concurrently: retry.",
      ...subscriptionResponses,
    },
  },
  {
    method: "get",
    route: `${subscriptions}/{id}/deliveries`,
    operationId: "listWebhookDeliveries",
    parameters: [
      {
        name: "status",
        in: "query",
        description: "failed (the default), pending or delivered.",
        schema: { type: "string", enum: [...webhookDeliveryStatuses] },
      },
    ],
    summary: "Deliveries by status (?status=failed, the default; pending; delivered), in feed order",
    responses: {
      "200": { description: "Up to 100 deliveries.", body: "WebhookDeliveryList" },
      "400": "Unknown status.",
      ...subscriptionResponses,
    },
  },
  {
    method: "post",
    route: `${subscriptions}/{id}/redeliver`,
    operationId: "redeliverWebhook",
    summary: "Send failed deliveries again (all, up to 100, or those named in deliveryIds)",
    requestBody: "WebhookRedeliveryRequest",
    requestBodyRequired: false,
    responses: {
      "200": { description: "The deliveries now due again.", body: "WebhookRedelivery" },
      "400": "Validation problem.",
      "413": "Body over 1 MiB.",
      "415": "A body was sent but not as application/json.",
      ...subscriptionResponses,
    },
  },
];
