import { z } from "zod";
import { processOrderMessageSchema, sendNotificationMessageSchema } from "../domain/messages";
import { applyDeliveryReport } from "../usecases/applyDeliveryReport";
import { processOrder } from "../usecases/processOrder";
import { releaseDueOrders } from "../usecases/releaseDueOrders";
import { sendNotification } from "../usecases/sendNotification";
import { terminateExpired } from "../usecases/terminateExpired";
import { queueJob, timerJob } from "./handlers";

export const releaseDueOrdersJob = timerJob(async (deps) => {
  const { released } = await releaseDueOrders(deps);
  return released > 0 ? `released ${released} due order(s)` : undefined;
});

export const terminateExpiredJob = timerJob(async (deps) => {
  const { terminated } = await terminateExpired(deps);
  return terminated > 0 ? `terminated ${terminated} expired notification(s)` : undefined;
});

export const processOrderJob = queueJob(processOrderMessageSchema, (message, deps) =>
  processOrder(deps, message),
);

/** Serves both send queues: the notification itself says whether it is an email or an SMS. */
export const sendNotificationJob = queueJob(sendNotificationMessageSchema, (message, deps) =>
  sendNotification(deps, message),
);

function enqueuedTimeOf(metadata: Record<string, unknown> | undefined): Date | undefined {
  const value = metadata?.["enqueuedTimeUtc"];
  const at = typeof value === "string" || value instanceof Date ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

/** Event Grid events and our own report envelopes share the queue; the use case tells them apart. */
export const applyDeliveryReportJob = queueJob(z.unknown(), (message, deps, context) =>
  applyDeliveryReport(deps, message, enqueuedTimeOf(context.triggerMetadata)),
);
