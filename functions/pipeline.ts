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
app.serviceBusQueue("applyDeliveryReport", {
  connection: serviceBusConnection,
  queueName: queues.deliveryReports.name,
  handler: applyDeliveryReportJob,
});
