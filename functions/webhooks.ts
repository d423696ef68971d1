import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookDeliveries,
  listWebhookSubscriptions,
  pauseWebhookDeliveries,
  redeliverWebhookDeliveries,
  resumeWebhookDeliveries,
  rotateWebhookSubscriptionSecret,
} from "../shared/http/handlers/webhooks";
import { dispatchWebhooksJob } from "../shared/queue/webhookJobs";

// Every 15 s: the first attempt follows a status change within seconds, and the first retry is due after 5 s.
app.timer("dispatchWebhooks", { schedule: "*/15 * * * * *", handler: dispatchWebhooksJob(hostServices) });

const subscriptions = "webhooks/subscriptions";
app.http("createWebhookSubscription", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: subscriptions,
  handler: createWebhookSubscription(hostServices),
});
app.http("listWebhookSubscriptions", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: subscriptions,
  handler: listWebhookSubscriptions(hostServices),
});
app.http("getWebhookSubscription", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: `${subscriptions}/{id}`,
  handler: getWebhookSubscription(hostServices),
});
app.http("deleteWebhookSubscription", {
  methods: ["DELETE"],
  authLevel: "anonymous",
  route: `${subscriptions}/{id}`,
  handler: deleteWebhookSubscription(hostServices),
});
app.http("rotateWebhookSecret", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: `${subscriptions}/{id}/rotate-secret`,
  handler: rotateWebhookSubscriptionSecret(hostServices),
});
app.http("pauseWebhookSubscription", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: `${subscriptions}/{id}/pause`,
  handler: pauseWebhookDeliveries(hostServices),
});
app.http("resumeWebhookSubscription", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: `${subscriptions}/{id}/resume`,
  handler: resumeWebhookDeliveries(hostServices),
});
app.http("listWebhookDeliveries", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: `${subscriptions}/{id}/deliveries`,
  handler: listWebhookDeliveries(hostServices),
});
app.http("redeliverWebhook", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: `${subscriptions}/{id}/redeliver`,
  handler: redeliverWebhookDeliveries(hostServices),
});
