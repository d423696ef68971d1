import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { queues, serviceBusConnection } from "../shared/platform/resources";
import {
  applyDeliveryReportJob,
  processOrderJob,
  sendNotificationJob,
  sweepOrdersJob,
  terminateExpiredJob,
} from "../shared/queue/jobs";

app.timer("sweepOrders", { schedule: "%SWEEP_SCHEDULE%", handler: sweepOrdersJob });
app.timer("terminateExpired", { schedule: "%TERMINATE_SCHEDULE%", handler: terminateExpiredJob });
app.serviceBusQueue("processOrder", {
  connection: serviceBusConnection,
  queueName: queues.processOrder.name,
  handler: processOrderJob,
});
app.serviceBusQueue("sendEmail", {
  connection: serviceBusConnection,
  queueName: queues.sendEmail.name,
  handler: sendNotificationJob,
});
app.serviceBusQueue("sendSms", {
  connection: serviceBusConnection,
  queueName: queues.sendSms.name,
  handler: sendNotificationJob,
});
// The bulk lane (shared/domain/lanes.ts): the same handlers on their own queues, so each lane has its own
// concurrency per instance and, on Flex Consumption, its own instances (per-function scaling).
app.serviceBusQueue("processOrderBulk", {
  connection: serviceBusConnection,
  queueName: queues.processOrderBulk.name,
  handler: processOrderJob,
});
app.serviceBusQueue("sendEmailBulk", {
  connection: serviceBusConnection,
  queueName: queues.sendEmailBulk.name,
  handler: sendNotificationJob,
});
app.serviceBusQueue("sendSmsBulk", {
  connection: serviceBusConnection,
  queueName: queues.sendSmsBulk.name,
  handler: sendNotificationJob,
});
app.serviceBusQueue("applyDeliveryReport", {
  connection: serviceBusConnection,
  queueName: queues.deliveryReports.name,
  cardinality: "many",
  handler: applyDeliveryReportJob,
});
