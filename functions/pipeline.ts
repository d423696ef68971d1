import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import { queues, serviceBusConnection } from "../shared/platform/resources";
import {
  applyDeliveryReportJob,
  processOrderJob,
  sendNotificationJob,
  sweepOrdersJob,
  terminateExpiredJob,
} from "../shared/queue/jobs";

app.timer("sweepOrders", { schedule: "%SWEEP_SCHEDULE%", handler: sweepOrdersJob(hostServices) });
app.timer("terminateExpired", {
  schedule: "%TERMINATE_SCHEDULE%",
  handler: terminateExpiredJob(hostServices),
});
app.serviceBusQueue("processOrder", {
  connection: serviceBusConnection,
  queueName: queues.processOrder.name,
  handler: processOrderJob(hostServices),
});
app.serviceBusQueue("sendEmail", {
  connection: serviceBusConnection,
  queueName: queues.sendEmail.name,
  handler: sendNotificationJob(hostServices),
});
app.serviceBusQueue("sendSms", {
  connection: serviceBusConnection,
  queueName: queues.sendSms.name,
  handler: sendNotificationJob(hostServices),
});
// The bulk lane (shared/domain/lanes.ts): the same handlers on their own queues, so each lane has its own
// concurrency per instance and, on Flex Consumption, its own instances (per-function scaling).
app.serviceBusQueue("processOrderBulk", {
  connection: serviceBusConnection,
  queueName: queues.processOrderBulk.name,
  handler: processOrderJob(hostServices),
});
app.serviceBusQueue("sendEmailBulk", {
  connection: serviceBusConnection,
  queueName: queues.sendEmailBulk.name,
  handler: sendNotificationJob(hostServices),
});
app.serviceBusQueue("sendSmsBulk", {
  connection: serviceBusConnection,
  queueName: queues.sendSmsBulk.name,
  handler: sendNotificationJob(hostServices),
});
app.serviceBusQueue("applyDeliveryReport", {
  connection: serviceBusConnection,
  queueName: queues.deliveryReports.name,
  cardinality: "many",
  handler: applyDeliveryReportJob(hostServices),
});
